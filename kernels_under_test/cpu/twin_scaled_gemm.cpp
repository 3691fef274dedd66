// The twins of RTX Blackwell's block-scaled GEMMs (kernels_under_test/cuda/scaled_gemm_sm120.cu):
// each output element one chain of the rtx_blackwell row's instructions over k = 0, K, 2K, ...
// from C = +0, the last one zero-padded, as the kernels issue them (sm120_scaled_gemms.h).
#include "kernels_under_test/cpu/scaled_gemm_kernel.h"
#include "kernels_under_test/cpu/sm120_scaled_gemms.h"
#include "kernels_under_test/cpu/twin_kernels.h"

namespace numguard::kernels {
namespace {

const bool registered = [] {
  for (const Sm120ScaledGemm& g : sm120_scaled_gemms()) {
    const ScaledGemmArithmetic a = g.arith;
    register_kernel(
        twin_kernel(g.name, g.op, scaled_gemm_recipe(a),
                    [a](const Problem& p, Tensor& out) { run_scaled_gemm(a, p, out); }));
  }
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
