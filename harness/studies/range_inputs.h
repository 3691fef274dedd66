// The fixed input pattern the range study scales for each op (docs/studies-range.md): values
// drawn once from the report's seed, normalized so that max |x| over the scaled operands is
// exactly 1, and rounded into the kernel's input format at each scale s, so the problem at
// scale s has max |x| = s (up to that rounding). Which operands scale and what the others hold
// is the op's choice (OpInfo::range, harness/engine/op_study.h) and said in `scaled_desc`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/core/kernel.h"
#include "harness/engine/op_study.h"

namespace numguard::studies {

// The pattern for kernel k's op (the same for every kernel of the op, so kernels of one op meet
// identical values before the rounding into their input formats).
RangePattern range_pattern(const KernelDesc& k, uint64_t seed);

// The problem at scale s: scaled operands hold round(p_i * s) in the kernel's input format
// (clamped to its finite range), the others round(p_i).
Problem range_problem(const KernelDesc& k, const RangePattern& pat, double s);

}  // namespace numguard::studies
