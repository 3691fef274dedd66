// MPFR references of the row and elementwise ops (softmax, log_softmax, cross_entropy, the
// norms, the activations, exp, attention, Adam): each evaluates the whole mathematical
// expression at `prec` bits from the exact input values and rounds once, to double. At the
// default 192 bits every expression here is accurate far beyond double (docs/references.md;
// references_test cross-checks each against a 384-bit evaluation).
//
// Special values: a NaN or +inf in a softmax row makes the row NaN (x - max is NaN), -inf
// entries get weight 0; every other op propagates NaN and inf as IEEE arithmetic on the
// formula does.
#pragma once

#include <mpfr.h>

#include <cstdint>
#include <span>
#include <vector>

namespace numguard::mpfr_ref {

inline constexpr mpfr_prec_t kRowPrec = 192;

// softmax(x)_i = exp(x_i - max) / sum_j exp(x_j - max); log_softmax = x_i - max - log(sum).
std::vector<double> softmax(std::span<const double> x, bool log, mpfr_prec_t prec = kRowPrec);

// Mean over the m rows of x (m x n, row-major) of logsumexp(row) - row[target]: the rows'
// losses are -log_softmax(row)[target] and their sum is kept at `prec` bits, rounded once.
double cross_entropy(std::span<const double> x, int64_t n, std::span<const int64_t> targets,
                     mpfr_prec_t prec = kRowPrec);

// One bias-corrected Adam step (Kingma and Ba 2015, Algorithm 1, no weight decay) on n
// parameters, with beta^t exact (mpfr_pow_ui): m' = b1 m + (1 - b1) g,
// v' = b2 v + (1 - b2) g^2, w' = w - lr (m' / (1 - b1^t)) / (sqrt(v' / (1 - b2^t)) + eps).
// Returns w' (n), then m' (n), then v' (n).
struct AdamParams {
  double lr = 0, beta1 = 0, beta2 = 0, eps = 0;
  uint64_t step = 1;
};
std::vector<double> adam(std::span<const double> w, std::span<const double> g,
                         std::span<const double> m, std::span<const double> v, const AdamParams& h,
                         mpfr_prec_t prec = kRowPrec);

// max |x| of each row of x (m x n); NaN for a row holding a NaN. Exact (no rounding).
std::vector<double> amax(std::span<const double> x, int64_t n);

}  // namespace numguard::mpfr_ref
