// The kernels a verb's --kernel GLOB names (comma-separated globs, registry.h). A selection
// that names nothing is a usage error, never an empty run that passes: a typo in CI must not
// read as "all green".
#pragma once

#include <string>
#include <vector>

#include "harness/core/kernel.h"

namespace numguard::cli {

// Throws UsageError (one line, with a hint when only mutants match) when nothing matches.
std::vector<const KernelDesc*> select_or_fail(const std::string& globs, bool include_mutants);

}  // namespace numguard::cli
