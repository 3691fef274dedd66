// The running-error bound of one softmax (or log_softmax) row as the recipe computes it; also
// used by cross_entropy and attention, whose rows are softmaxes.
#pragma once

#include <vector>

#include "harness/core/recipe.h"
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

}  // namespace numguard::ops
