// The running-error bound of one attention query row as the recipe's method computes it
// (two_pass: the naive kernel; tiled: flash-style key tiles of recipe.shape.block), operation
// by operation: the score dot products, the scale multiply, the max subtraction, exp, the
// sums, the rescales of the tiled kernel, the normalization and the weighted sum of V
// (kernels_under_test/cpu/attention_rows.h; docs/error-models.md, "Attention").
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "harness/core/recipe.h"
#include "harness/engine/running_error.h"

namespace numguard::ops {

struct AttentionRowBound {
  std::vector<Val> y;  // the k outputs before the output cast
  // Per visible key: the kernel's weight for it is exactly 0 when the exact weight is (a -inf
  // score) and surely positive otherwise (so inf in V meets inf * w, never 0 * inf).
  std::vector<bool> weight_sure;
  // A score's fp32 dot product or scaling may overflow: the kernel may then read a finite
  // exact score as -inf (masked) or NaN, whatever V holds.
  bool score_overflow = false;
};

// q: k values; kk, v: n x k; keys j < visible. Rows whose visible scores hold NaN or +inf
// (reference NaN) or no finite score (reference zeros) get exact zeros here.
AttentionRowBound attention_row_bound(const Recipe& rc, std::span<const double> q,
                                      std::span<const double> kk, std::span<const double> v,
                                      int64_t n, int64_t k, int64_t visible, double scale);

}  // namespace numguard::ops
