// Which of the selected kernels a check runs on this machine. GPU kernels run where a CUDA
// device is present (runnable_kernels, check_runner.h). Without one, a GPU kernel is checked
// through its CPU twin, the CPU kernel whose twin_of names it and which reproduces its
// arithmetic bit for bit (docs/DESIGN.md principle 3: CI tests the twin); a GPU kernel without a
// twin (a vendor library) is skipped. Substitutions and skips are one line on stderr.
#pragma once

#include <vector>

#include "harness/engine/check_runner.h"

namespace numguard::cli {

// Throws UsageError when nothing can run here, or when --device cuda was asked for and GPU
// kernels cannot run: an explicit request is not quietly served by the twins.
std::vector<const KernelDesc*> runnable_selection(const std::vector<const KernelDesc*>& selected,
                                                  DeviceChoice choice);

}  // namespace numguard::cli
