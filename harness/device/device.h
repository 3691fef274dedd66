// The device layer: whether a CUDA device can run the kernels under test, and which
// tensor-core architecture it is. Plain C++ (no CUDA headers), so the engine, the studies and
// the tests ask it from g++-compiled code; without nvcc the project links a stub whose answer
// is "built without CUDA". It includes nothing of numguard's: the engine and the kernels
// under test both use it, and it uses neither.
#pragma once

#include <string>

namespace numguard::device {

struct Status {
  bool available = false;
  std::string name;  // e.g. "NVIDIA H100 80GB HBM3"
  int cc_major = 0, cc_minor = 0;
  std::string why_not;  // one line when unavailable
};

// Device 0, the one every launcher uses; queried once per process.
const Status& status();

// The tensor-core architecture of a compute capability, as the model's presets name them:
// "volta" for sm_7x, "ampere" for sm_8x, "rtx_blackwell" for sm_12x, "hopper" for sm_9x to
// sm_11x (no published model describes mma.sync on sm_100, whose tcgen05 rows share hopper's
// block and window) and anything later; "" for older ones.
std::string tc_arch_of(int cc_major);

// tc_arch_of(status().cc_major), or "" when no device was found.
std::string tc_arch();

}  // namespace numguard::device
