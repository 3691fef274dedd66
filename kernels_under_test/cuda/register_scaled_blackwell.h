// What the Blackwell block-scaled kernels (register_scaled_blackwell.cpp) and their mutants share.
#pragma once

#include <string>

namespace numguard::cuda {

// KernelDesc::cannot_run of a kernel in the sm_120a / sm_100a code: empty where this device
// runs it.
std::string sm120_cannot_run();
std::string sm100_cannot_run();

}  // namespace numguard::cuda
