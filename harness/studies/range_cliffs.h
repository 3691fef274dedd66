// Theoretical cliffs of the range study: the input magnitudes at which a kernel's formats
// must fail for its op, computed from the format constants (and, where the cliff depends on
// the values, from the study's fixed input pattern), never typed in. The input format's own
// ends are the study's; the rest is the op's (OpInfo::range.cliffs).
#pragma once

#include <vector>

#include "harness/core/kernel.h"
#include "harness/studies/range_inputs.h"

namespace numguard::studies {

// The cliffs of kernel k on pattern pat inside the input format's range, sorted by `at`.
std::vector<Cliff> range_cliffs(const KernelDesc& k, const RangePattern& pat);

}  // namespace numguard::studies
