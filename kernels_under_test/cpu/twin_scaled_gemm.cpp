// The twins of the Blackwell block-scaled CUDA GEMMs (kernels_under_test/cuda/scaled_gemm_sm120.cu
// and scaled_gemm_sm100.cu): each output element one chain of the declared row's instructions
// over k = 0, K, 2K, ... from C = +0, the last one zero-padded, as the kernels issue them
// (device_scaled_gemms.h).
#include "kernels_under_test/cpu/device_scaled_gemms.h"
#include "kernels_under_test/cpu/scaled_gemm_kernel.h"
#include "kernels_under_test/cpu/twin_kernels.h"

namespace numguard::kernels {
namespace {

void register_twins(const std::vector<DeviceScaledGemm>& gemms) {
  for (const DeviceScaledGemm& g : gemms) {
    const ScaledGemmArithmetic a = g.arith;
    register_kernel(
        twin_kernel(g.name, g.op, scaled_gemm_recipe(a),
                    [a](const Problem& p, Tensor& out) { run_scaled_gemm(a, p, out); }));
  }
}

const bool registered = [] {
  register_twins(sm120_scaled_gemms());
  register_twins(sm100_scaled_gemms());
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
