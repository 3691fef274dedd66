// Out-of-tree kernels can crash or hang; one must not take the whole check down. Before a
// plugin kernel is checked in this process, the same check (same seed, same cases: they are
// deterministic) runs in a child process; a child killed by a signal or past the timeout
// marks the kernel crashed and it is not run here.
#pragma once

#include <string>

#include "harness/engine/check_runner.h"

namespace numguard::cli {

// "" when the child finished; else why it did not ("killed by signal 11 (Segmentation
// fault)", "timed out after 300 s").
std::string crash_in_child(const KernelDesc& k, const CheckOptions& opt, double timeout_s);

}  // namespace numguard::cli
