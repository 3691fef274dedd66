// What RTX Blackwell's kernels (register_scaled_sm120.cpp) and their mutants share.
#pragma once

#include <string>

namespace numguard::cuda {

// KernelDesc::cannot_run of a kernel in the sm_120a code: empty where this device runs it.
std::string sm120_cannot_run();

}  // namespace numguard::cuda
