// Used when the project is built without CUDA: no device can run the CUDA kernels.
// NUMGUARD_NO_CUDA_REASON (set by CMakeLists.txt) says whether nvcc was missing or
// NUMGUARD_CUDA was turned off.
#include "harness/device/device.h"

#ifndef NUMGUARD_NO_CUDA_REASON
#define NUMGUARD_NO_CUDA_REASON "nvcc not found at configure time"
#endif

namespace numguard::device {

const Status& status() {
  static const Status s{.available = false,
                        .name = "",
                        .cc_major = 0,
                        .cc_minor = 0,
                        .why_not = "built without CUDA (" NUMGUARD_NO_CUDA_REASON ")"};
  return s;
}

}  // namespace numguard::device
