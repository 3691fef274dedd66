// The RTX Blackwell code (mma_probe.h's block-scaled probe, scaled_gemm_sm120.h) where this
// build has no sm_120a code: without CUDA, or with an nvcc older than 12.8 (the first to
// compile for RTX Blackwell).
#include <stdexcept>
#include <string>

#include "kernels_under_test/cuda/mma_probe.h"
#include "kernels_under_test/cuda/scaled_gemm_sm120.h"

namespace numguard::cuda {
namespace {

#ifdef NUMGUARD_SM120_UNSUPPORTED_NVCC
constexpr const char* kWhy =
    "built without sm_120a code (nvcc " NUMGUARD_SM120_UNSUPPORTED_NVCC " is older than 12.8)";
#else
constexpr const char* kWhy = "built without CUDA (nvcc not found at configure time)";
#endif

}  // namespace

uint64_t mma_probe_scaled_dot(ScaledProbeInput, const std::vector<uint64_t>&,
                              const std::vector<uint64_t>&, const std::vector<uint64_t>&,
                              const std::vector<uint64_t>&, uint64_t) {
  throw std::runtime_error(std::string("block-scaled mma probe: ") + kWhy);
}

bool mma_probe_has_block_scaled(std::string* why_not) {
  if (why_not) *why_not = kWhy;
  return false;
}

Bits scaled_gemm_sm120(ScaledProbeInput, GemmShape, const Bits&, const Bits&, const Bits&,
                       const Bits&, uint32_t) {
  throw std::runtime_error(std::string("scaled_gemm_sm120: ") + kWhy);
}

Bits mutant_scaled_gemm_sm120_scale_rows(GemmShape, const Bits&, const Bits&, const Bits&,
                                         const Bits&) {
  throw std::runtime_error(std::string("scaled_gemm_sm120: ") + kWhy);
}

bool scaled_gemm_sm120_runs(std::string* why_not) {
  return mma_probe_has_block_scaled(why_not);
}

}  // namespace numguard::cuda
