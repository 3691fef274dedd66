// MPFR references of the norms (layernorm, rmsnorm and their backward passes). The row
// statistics are formed without any cancellation of the reference's own: the row sum S and
// the centred values D_j = n x_j - S are exact (kNormExact bits hold any sum of 256 fp32
// values), so x_j - mean = D_j / n and var = sum D_j^2 / n^3 are rounded only relatively, at
// `prec` bits; eps is added, rstd = 1/sqrt(var + eps), and every output is rounded once, to
// double. Non-finite inputs propagate as MPFR's IEEE-like arithmetic on the formula does
// (an inf in a layernorm row: inf - inf, the whole row NaN; in an rmsnorm row: rstd = 0).
#pragma once

#include <mpfr.h>

#include <cstdint>
#include <span>
#include <vector>

namespace numguard::mpfr_ref {

// Exact sums and differences of fp32-range values: 2^-149 .. 2^136 (n <= 256) fits 320 bits.
inline constexpr mpfr_prec_t kNormExact = 352;

// y_j = (x_j - mu) rstd gamma_j + beta_j (layernorm), y_j = x_j rstd gamma_j (rms: beta is
// ignored, rstd = 1/sqrt(mean(x^2) + eps)); one row.
std::vector<double> norm_forward(std::span<const double> x, std::span<const double> gamma,
                                 std::span<const double> beta, double eps, bool rms,
                                 mpfr_prec_t prec = 192);

// The exact gradients of the forward map over m rows of n: dx (m*n), dgamma (n) and, for
// layernorm, dbeta (n), concatenated. x and dy are m*n row-major, gamma n.
//   layernorm: dx = rstd (g - mean(g) - xhat mean(g xhat)), g = gamma dy,
//              xhat = (x - mu) rstd, dgamma = sum_rows dy xhat, dbeta = sum_rows dy;
//   rmsnorm:   dx = rstd (g - xhat mean(g xhat)), xhat = x rstd, dgamma = sum_rows dy xhat.
// (d rstd / d x_k = -rstd^3 (x_k - mu) / n, eps included, gives these exactly.)
std::vector<double> norm_backward(int64_t m, int64_t n, std::span<const double> x,
                                  std::span<const double> gamma, std::span<const double> dy,
                                  double eps, bool rms, mpfr_prec_t prec = 192);

}  // namespace numguard::mpfr_ref
