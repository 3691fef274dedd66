// The running-error bounds of the norms, evaluated along the kernels' own formulas
// (kernels_under_test/cpu/norm_rows.h; docs/error-models.md, "Norms"): the row statistics by the
// recipe's method (two_pass, welford; rmsnorm's mean square), each sum in the recipe's order
// (reduce_in_order), then the per-element formulas of the forward and backward passes.
#pragma once

#include <vector>

#include "harness/core/recipe.h"
#include "harness/engine/running_error.h"

namespace numguard::ops {

// The kernel's row statistics: d_j = x_j - mean (layernorm) or x_j (rms, exact), and
// r = 1 / sqrt(var + eps) with var (or the mean square) formed as the recipe says.
struct NormRow {
  std::vector<Val> d;
  Val r;
};
NormRow norm_row_stats(const Recipe& rc, const std::vector<double>& x, double eps, bool rms);

// y_j = (d_j r) gamma_j + beta_j (layernorm), (x_j r) gamma_j (rms), before the output cast.
std::vector<Val> norm_forward_bound(const Recipe& rc, const std::vector<double>& x,
                                    const std::vector<double>& gamma,
                                    const std::vector<double>& beta, double eps, bool rms);

// One row of the backward pass: xhat_j = d_j r, g_j = gamma_j dy_j, A = sum g, B = sum g xhat
// (recipe order), dx_j = r ((g_j - A/n) - xhat_j (B/n)) (rms: r (g_j - xhat_j (B/n))).
struct NormBackwardRow {
  std::vector<Val> dx, xhat;
};
NormBackwardRow norm_backward_row_bound(const Recipe& rc, const std::vector<double>& x,
                                        const std::vector<double>& gamma,
                                        const std::vector<double>& dy, double eps, bool rms);

}  // namespace numguard::ops
