// MPFR reference of attention, one query row: y = softmax(q K^T * scale over the visible
// keys) V. Scores are formed from exact products (every fp32 x fp32 product is a double) by
// mpfr_sum at 320 bits (correctly rounded, so the score is exact to 2^-320 relative), times
// the given scale at 320 bits; the softmax and the weighted sum run at `prec` bits, every sum
// by mpfr_sum (correctly rounded, so the result does not depend on the order of the keys);
// one rounding to double at the end.
//
// Special values (IEEE propagation through the visible keys): a NaN or +inf visible score
// makes the row NaN; -inf scores get weight 0; a row without a visible key, or whose visible
// scores are all -inf, is zeros (the documented masking behaviour). In V, NaN propagates
// into its column, inf times a positive weight is inf, and 0 * inf (a -inf score) is NaN.
#pragma once

#include <mpfr.h>

#include <cstdint>
#include <span>
#include <vector>

#include "references/row_reference.h"

namespace numguard::mpfr_ref {

// q: k values; kk, v: n x k row-major; keys j < visible count. Returns k values.
std::vector<double> attention_row(std::span<const double> q, std::span<const double> kk,
                                  std::span<const double> v, int64_t n, int64_t k, int64_t visible,
                                  double scale, mpfr_prec_t prec = kRowPrec);

}  // namespace numguard::mpfr_ref
