// RTX Blackwell's block-scaled GEMMs (scaled_gemm_sm120.h) in the kernel table, as
// kernels_under_test/cpu/sm120_scaled_gemms.h declares them, each with its twin `<name>.twin`
// (kernels_under_test/cpu/twin_scaled_gemm.cpp). Their code runs on sm_120 / sm_121 only, so on
// any other GPU cannot_run leaves them to their twins.
#include <string>
#include <utility>

#include "kernels_under_test/cpu/reduction_kernel.h"
#include "kernels_under_test/cpu/scaled_gemm_kernel.h"
#include "kernels_under_test/cpu/sm120_scaled_gemms.h"
#include "kernels_under_test/cuda/register_common.h"
#include "kernels_under_test/cuda/register_scaled_sm120.h"
#include "kernels_under_test/cuda/scaled_gemm_sm120.h"

namespace numguard::cuda {

std::string sm120_cannot_run() {
  std::string why;
  return scaled_gemm_sm120_runs(&why) ? std::string() : why;
}

namespace {

ScaledProbeInput kind_of(const kernels::ScaledGemmArithmetic& a) {
  if (a.element == Format::e4m3) return ScaledProbeInput::mxf8f6f4_e4m3;
  return a.scale == Format::ue4m3 ? ScaledProbeInput::mxf4nvf4_e2m1 : ScaledProbeInput::mxf4_e2m1;
}

const bool registered = [] {
  for (const kernels::Sm120ScaledGemm& g : kernels::sm120_scaled_gemms()) {
    const kernels::ScaledGemmArithmetic arith = g.arith;
    const ScaledProbeInput kind = kind_of(arith);
    const bool nvfp4 = kind == ScaledProbeInput::mxf4nvf4_e2m1;
    KernelDesc d = cuda_kernel(
        g.name, g.op, kernels::scaled_gemm_recipe(arith),
        [arith, kind, nvfp4](const Problem& p, Tensor& out) {
          require_inputs(p, arith.element, true);
          if (nvfp4 && p.scalars.size() != 2)
            throw std::invalid_argument("nvfp4_gemm: the two tensor scales are missing");
          // NVFP4's tensor scales as the host hands cuBLASLt its alpha: one fp32 product.
          const uint32_t alpha =
              nvfp4 ? static_cast<uint32_t>(
                          round_double(Format::fp32, p.scalars[0] * p.scalars[1]).bits)
                    : 0x3f800000u;
          Tensor y(Format::fp32, {p.m, p.n});
          // p.c and p.d hold SA (m x kb) and SB (kb x n) (scaled_gemm_kernel.h).
          y.bits = scaled_gemm_sm120(kind, {p.m, p.n, p.k}, p.a.bits, p.b.bits, p.c.bits, p.d.bits,
                                     alpha);
          out = std::move(y);
        },
        std::string(g.name) + ".twin");
    d.cannot_run = sm120_cannot_run;
    kernels::register_kernel(std::move(d));
  }
  return true;
}();

}  // namespace
}  // namespace numguard::cuda
