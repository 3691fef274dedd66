// The twin of RTX Blackwell's block-scaled GEMM (kernels_under_test/cuda/scaled_gemm_sm120.cu):
// each output element one chain of the rtx_blackwell row mma.m16n8k32 kind::mxf8f6f4 block32
// over k = 0, 32, 64, ... from C = +0, the last block zero-padded, as the kernel issues them.
#include "kernels_under_test/cpu/scaled_gemm_kernel.h"
#include "kernels_under_test/cpu/twin_kernels.h"

namespace numguard::kernels {
namespace {

const bool registered = [] {
  ScaledGemmArithmetic a = mx_operands(Format::e4m3);
  a.arch = "rtx_blackwell";
  register_kernel(twin_kernel("scaled_gemm.e4m3.mma-sm120a", "scaled_gemm", scaled_gemm_recipe(a),
                              [a](const Problem& p, Tensor& out) { run_scaled_gemm(a, p, out); }));
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
