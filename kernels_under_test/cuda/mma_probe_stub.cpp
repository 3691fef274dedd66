// mma_probe.h without CUDA.
#include <stdexcept>

#include "kernels_under_test/cuda/mma_probe.h"

namespace numguard::cuda {

uint64_t mma_probe_dot(ProbeInput, bool, const std::vector<uint64_t>&, const std::vector<uint64_t>&,
                       uint64_t) {
  throw std::runtime_error("built without CUDA (nvcc not found at configure time)");
}
bool mma_probe_has_fp8() {
  return false;
}

}  // namespace numguard::cuda
