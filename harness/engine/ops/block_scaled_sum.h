// The exact value of one block-scaled dot product, sum_l x_l y_l s_x[l / B] s_y[l / B]: the
// reference of every block-scaled GEMM (ops mx_gemm and scaled_gemm).
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "harness/core/format.h"
#include "references/exact_real.h"

namespace numguard::ops {

struct BlockScaledSum {
  ExactReal exact = ExactReal::from_double(0.0);
  double abs_sum = 0;  // sum of |x_l y_l s_x s_y|, rounded up
  // IEEE's special result where an element or scale is NaN or infinite (NaN for a NaN, inf * 0
  // or infinities of both signs, else that infinity); the other fields are then unset.
  std::optional<double> special;
};

// x, y: `element` patterns; sx, sy: `scale` patterns, one per `block` elements (the last
// block may be short); tensor_scale multiplies every block (NVFP4's two tensor scales).
BlockScaledSum block_scaled_sum(Format element, Format scale, int block,
                                std::span<const uint64_t> x, std::span<const uint64_t> y,
                                std::span<const uint64_t> sx, std::span<const uint64_t> sy,
                                double tensor_scale = 1.0);

// Where the block-scaled MMA first sums its products exactly in groups of `group` (kind::mxf4,
// mxf4nvf4: the recipe's scale_group), a group of zero products under nonzero scales may be
// aligned at its scales' exponents (MMA-Sim's simulator/functions.py) or take no part (its
// arithmetic/fdpa.py); no hardware measurement decides it. Where such a group's scales lie
// above every nonzero group's in its MMA block of `mma_block` products, the block's grid is
// 2^(E - F) for that E, and its L / G + 1 terms (the groups and C) each lose less than one unit
// of it. Returns that error summed over the blocks, before any tensor scale (0 where no block
// holds such a group).
double zero_group_error(Format element, Format scale, int scale_block, int mma_block, int group,
                        int frac_bits, std::span<const uint64_t> x, std::span<const uint64_t> y,
                        std::span<const uint64_t> sx, std::span<const uint64_t> sy);

}  // namespace numguard::ops
