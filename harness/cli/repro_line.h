// The one-line reproducer of a failed case (docs/DESIGN.md principle 4):
//   numguard check --kernel K --seed S --case I
// Case I of seed S is rebuilt from (S, I) alone (check_runner.h), so the line re-fails on any
// machine, with any --threads, --cases or --generator of the run that found it.
#pragma once

#include <cstdint>
#include <string>

#include "harness/core/kernel.h"

namespace numguard::cli {

// The line is ready for a POSIX shell (a name with unusual characters is single-quoted). An
// exact name selects a mutant without --include-mutants (registry.h); the flag is added only
// if that ever stops being true, so the line always selects exactly kernel k.
std::string repro_line(const KernelDesc& k, uint64_t seed, int64_t case_index);

}  // namespace numguard::cli
