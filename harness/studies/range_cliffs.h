// Theoretical cliffs of the range study: the input magnitudes at which a kernel's formats
// must fail for its op, computed from the format constants (and, where the cliff depends on
// the values, from the study's fixed input pattern), never typed in.
#pragma once

#include <vector>

#include "harness/core/kernel.h"
#include "harness/studies/range_boundaries.h"
#include "harness/studies/range_inputs.h"

namespace numguard::studies {

// The smallest magnitude that round-to-nearest carries to inf: max finite + half the spacing
// of the top binade (65520 for fp16).
double overflow_threshold(Format f);
// The largest magnitude that rounds to 0: half the smallest subnormal.
double underflow_threshold(Format f);

// The cliffs of kernel k on pattern pat inside the input format's range, sorted by `at`.
std::vector<Cliff> range_cliffs(const KernelDesc& k, const RangePattern& pat);

}  // namespace numguard::studies
