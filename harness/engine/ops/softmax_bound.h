// The running-error bound of one softmax (or log_softmax) row as the recipe computes it; also
// used by cross_entropy and attention, whose rows are softmaxes.
#pragma once

#include <vector>

#include "harness/core/recipe.h"
#include "harness/engine/op_study.h"
#include "harness/engine/running_error.h"

namespace numguard::ops {

// The kernel's softmax state after a row: the running max (exact: a max rounds nothing) and
// the sum of exp(x_j - max) as the recipe forms it.
struct SoftmaxSum {
  double max = -RunningError::kInf;
  Val sum;
};
SoftmaxSum softmax_sum_bound(const Recipe& rc, const std::vector<double>& x);

// exp(x_i - max), as the kernel forms it in the second pass (or exp(x_i) without max
// subtraction), staged into rc.stage when the recipe stores it.
Val softmax_numerator(const Recipe& rc, const RunningError& ar, double xi, double max);

// Every element's final value before the output cast.
std::vector<Val> softmax_row_bound(const Recipe& rc, const std::vector<double>& x, bool log);

// The cliffs every op that exponentiates its rows' logits shares on a range pattern (softmax,
// log_softmax, cross_entropy): exp(x - max) (or exp(x) without max subtraction) overflowing or
// underflowing the stage format, x - max overflowing the accumulator.
void softmax_exp_cliffs(const Recipe& rc, const RangePattern& pat, CliffList& c);

// The range pattern of the row ops over logits: `rows` rows of 64 in [-1, 1], each row's
// largest |x| positive, scaled.
RangePattern logits_pattern(Rng& r, int64_t rows);

}  // namespace numguard::ops
