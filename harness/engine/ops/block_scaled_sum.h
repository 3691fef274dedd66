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

}  // namespace numguard::ops
