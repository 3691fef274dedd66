// The fixed input pattern the range study scales for each op (docs/studies-range.md): values
// drawn once from the report's seed, normalized so that max |x| over the scaled operands is
// exactly 1, and rounded into the kernel's input format at each scale s, so the problem at
// scale s has max |x| = s (up to that rounding). Which operands scale and what the others hold
// is chosen per op and said in `scaled`.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "harness/core/kernel.h"

namespace numguard::studies {

struct RangePattern {
  std::string op;
  Problem shape;  // m, n, k, alpha, beta, lengths and scalars; the tensors are empty
  // a, b, c, d at scale 1 (empty: the operand is unused), their shapes and whether each
  // operand is multiplied by s.
  std::array<std::vector<double>, 4> values;
  std::array<std::vector<int64_t>, 4> shapes;
  std::array<bool, 4> scaled{};
  std::string scaled_desc;  // e.g. "x (a) scaled; gamma (b) fixed in [0.5, 1.5]; beta (c) = 0"
};

// The pattern for kernel k's op (the same for every kernel of the op, so kernels of one op meet
// identical values before the rounding into their input formats).
RangePattern range_pattern(const KernelDesc& k, uint64_t seed);

// The problem at scale s: scaled operands hold round(p_i * s) in the kernel's input format
// (clamped to its finite range), the others round(p_i).
Problem range_problem(const KernelDesc& k, const RangePattern& pat, double s);

}  // namespace numguard::studies
