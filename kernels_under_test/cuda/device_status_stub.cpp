// Used when the project is built without CUDA: no device can run the CUDA kernels.
// NUMGUARD_NO_CUDA_REASON (set by CMakeLists.txt) says whether nvcc was missing or
// NUMGUARD_CUDA was turned off.
#include "kernels_under_test/cuda/device_status.h"

#ifndef NUMGUARD_NO_CUDA_REASON
#define NUMGUARD_NO_CUDA_REASON "nvcc not found at configure time"
#endif

namespace numguard::cuda {

const DeviceStatus& device_status() {
  static const DeviceStatus s{.available = false,
                              .name = "",
                              .cc_major = 0,
                              .cc_minor = 0,
                              .why_not = "built without CUDA (" NUMGUARD_NO_CUDA_REASON ")"};
  return s;
}

std::string tc_arch_of_device() {
  return "";
}

}  // namespace numguard::cuda
