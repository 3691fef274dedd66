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

}  // namespace numguard::mpfr_ref
