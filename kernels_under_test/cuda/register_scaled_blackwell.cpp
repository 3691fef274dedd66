// The Blackwell block-scaled GEMMs in the kernel table, as kernels_under_test/cpu/
// device_scaled_gemms.h declares them, each with its twin `<name>.twin`
// (kernels_under_test/cpu/twin_scaled_gemm.cpp): RTX Blackwell's (scaled_gemm_sm120.cu) and
// datacenter Blackwell's (scaled_gemm_sm100.cu), launched through scaled_gemm_blackwell.h. Their
// code runs on its own GPUs only, so on any other GPU cannot_run leaves them to their twins.
#include <string>
#include <utility>

#include "kernels_under_test/cpu/device_scaled_gemms.h"
#include "kernels_under_test/cpu/reduction_kernel.h"
#include "kernels_under_test/cpu/scaled_gemm_kernel.h"
#include "kernels_under_test/cuda/register_common.h"
#include "kernels_under_test/cuda/register_scaled_blackwell.h"
#include "kernels_under_test/cuda/scaled_gemm_blackwell.h"

namespace numguard::cuda {

std::string sm120_cannot_run() {
  std::string why;
  return scaled_gemm_sm120_runs(&why) ? std::string() : why;
}

std::string sm100_cannot_run() {
  std::string why;
  return scaled_gemm_sm100_runs(&why) ? std::string() : why;
}

namespace {

using Launcher = Bits (*)(ScaledProbeInput, GemmShape, const Bits&, const Bits&, const Bits&,
                          const Bits&, uint32_t);

ScaledProbeInput kind_of(const kernels::ScaledGemmArithmetic& a) {
  if (a.element == Format::e4m3) return ScaledProbeInput::mxf8f6f4_e4m3;
  return a.scale == Format::ue4m3 ? ScaledProbeInput::mxf4nvf4_e2m1 : ScaledProbeInput::mxf4_e2m1;
}

void register_family(const std::vector<kernels::DeviceScaledGemm>& gemms, Launcher launch,
                     std::string (*cannot_run)()) {
  for (const kernels::DeviceScaledGemm& g : gemms) {
    const kernels::ScaledGemmArithmetic arith = g.arith;
    const ScaledProbeInput kind = kind_of(arith);
    const bool nvfp4 = kind == ScaledProbeInput::mxf4nvf4_e2m1;
    KernelDesc d = cuda_kernel(
        g.name, g.op, kernels::scaled_gemm_recipe(arith),
        [arith, kind, nvfp4, launch](const Problem& p, Tensor& out) {
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
          y.bits = launch(kind, {p.m, p.n, p.k}, p.a.bits, p.b.bits, p.c.bits, p.d.bits, alpha);
          out = std::move(y);
        },
        std::string(g.name) + ".twin");
    d.cannot_run = cannot_run;
    kernels::register_kernel(std::move(d));
  }
}

const bool registered = [] {
  register_family(kernels::sm120_scaled_gemms(), scaled_gemm_sm120, sm120_cannot_run);
  register_family(kernels::sm100_scaled_gemms(), scaled_gemm_sm100, sm100_cannot_run);
  return true;
}();

}  // namespace
}  // namespace numguard::cuda
