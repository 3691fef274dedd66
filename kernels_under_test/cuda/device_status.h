// Whether a CUDA device can run the kernels under test. Plain C++ (no CUDA headers), so the
// engine and the tests use it from g++-compiled code; without nvcc the project links a
// stub whose answer is "built without CUDA".
#pragma once

#include <string>

namespace numguard::cuda {

struct DeviceStatus {
  bool available = false;
  std::string name;  // e.g. "NVIDIA H100 80GB HBM3"
  int cc_major = 0, cc_minor = 0;
  std::string why_not;  // one line when unavailable
};

// Queried once per process.
const DeviceStatus& device_status();

// The tensor-core model preset matching the device: "ampere" for sm_8x, "hopper" for sm_9x
// (and later), "volta" for sm_7x. Empty when no device.
std::string tc_arch_of_device();

}  // namespace numguard::cuda
