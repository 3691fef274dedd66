// RTX Blackwell's block-scaled GEMM (scaled_gemm_sm120.h) in the kernel table: op scaled_gemm,
// e4m3 with E8M0 scales per 32, twin `<name>.twin` (kernels_under_test/cpu/twin_scaled_gemm.cpp)
// with the same recipe. Its code runs on sm_120 / sm_121 only, so on any other GPU cannot_run
// leaves it to the twin.
#include <string>
#include <utility>

#include "kernels_under_test/cpu/reduction_kernel.h"
#include "kernels_under_test/cpu/scaled_gemm_kernel.h"
#include "kernels_under_test/cuda/register_common.h"
#include "kernels_under_test/cuda/scaled_gemm_sm120.h"

namespace numguard::cuda {
namespace {

const bool registered = [] {
  const std::string name = "scaled_gemm.e4m3.mma-sm120a";
  kernels::ScaledGemmArithmetic arith = kernels::mx_operands(Format::e4m3);
  arith.arch = "rtx_blackwell";
  KernelDesc d = cuda_kernel(
      name, "scaled_gemm", kernels::scaled_gemm_recipe(arith),
      [](const Problem& p, Tensor& out) {
        require_inputs(p, Format::e4m3, true);
        Tensor y(Format::fp32, {p.m, p.n});
        // p.c and p.d hold SA (m x kb) and SB (kb x n), E8M0 bytes (scaled_gemm_kernel.h).
        y.bits = scaled_gemm_sm120({p.m, p.n, p.k}, p.a.bits, p.b.bits, p.c.bits, p.d.bits);
        out = std::move(y);
      },
      name + ".twin");
  d.cannot_run = [] {
    std::string why;
    return scaled_gemm_sm120_runs(&why) ? std::string() : why;
  };
  kernels::register_kernel(std::move(d));
  return true;
}();

}  // namespace
}  // namespace numguard::cuda
