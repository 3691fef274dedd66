// The arch-specific Blackwell code (mma_probe.h's block-scaled probe, scaled_gemm_blackwell.h)
// where this build has none: without CUDA, or with an nvcc older than 12.8 (the first to
// compile for sm_120a and for sm_100a's block-scaled tcgen05.mma).
#include <stdexcept>
#include <string>

#include "kernels_under_test/cuda/mma_probe.h"
#include "kernels_under_test/cuda/scaled_gemm_blackwell.h"

namespace numguard::cuda {
namespace {

#ifdef NUMGUARD_BLACKWELL_UNSUPPORTED_NVCC
constexpr const char* kWhy =
    "built without Blackwell code (nvcc " NUMGUARD_BLACKWELL_UNSUPPORTED_NVCC
    " is older than 12.8)";
#else
constexpr const char* kWhy = "built without CUDA (nvcc not found at configure time)";
#endif

[[noreturn]] void unavailable(const char* what) {
  throw std::runtime_error(std::string(what) + ": " + kWhy);
}

}  // namespace

uint64_t mma_probe_scaled_dot(ScaledProbeInput, const std::vector<uint64_t>&,
                              const std::vector<uint64_t>&, const std::vector<uint64_t>&,
                              const std::vector<uint64_t>&, uint64_t) {
  unavailable("block-scaled mma probe");
}

bool mma_probe_has_block_scaled(std::string* why_not) {
  if (why_not) *why_not = kWhy;
  return false;
}

Bits scaled_gemm_sm120(ScaledProbeInput, GemmShape, const Bits&, const Bits&, const Bits&,
                       const Bits&, uint32_t) {
  unavailable("scaled_gemm_sm120");
}
Bits scaled_gemm_sm100(ScaledProbeInput, GemmShape, const Bits&, const Bits&, const Bits&,
                       const Bits&, uint32_t) {
  unavailable("scaled_gemm_sm100");
}

Bits mutant_scaled_gemm_sm120_scale_rows(GemmShape, const Bits&, const Bits&, const Bits&,
                                         const Bits&) {
  unavailable("scaled_gemm_sm120");
}
Bits mutant_scaled_gemm_sm100_scale_id(GemmShape, const Bits&, const Bits&, const Bits&,
                                       const Bits&) {
  unavailable("scaled_gemm_sm100");
}

bool scaled_gemm_sm120_runs(std::string* why_not) {
  return mma_probe_has_block_scaled(why_not);
}
bool scaled_gemm_sm100_runs(std::string* why_not) {
  return mma_probe_has_block_scaled(why_not);
}

}  // namespace numguard::cuda
