// Queries over the kernel table (harness/core/kernel.h).
#pragma once

#include <string_view>
#include <vector>

#include "harness/core/kernel.h"

namespace numguard {

// Shell-style glob: '*' any run, '?' one character, '[...]' a class (fnmatch).
bool glob_match(std::string_view pattern, std::string_view text);

// Kernels whose name matches any of the comma-separated globs, sorted by name, the built-in
// ones before the plugins' (each plugin's in path order); mutants only when asked for (or
// when a glob names a mutant without wildcards).
std::vector<const KernelDesc*> select_kernels(std::string_view globs, bool include_mutants);

const KernelDesc* find_kernel(std::string_view name);

}  // namespace numguard
