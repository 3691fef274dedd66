// softmax and log_softmax rows in double-double arithmetic, correctly rounded to double: the
// fast reference of the softmax ops. Each element is computed with a proven error bound
// (references/double_double.h; docs/references.md, "softmax in double-double") and kept only
// when that bound decides its rounding to double (Ziv's strategy); a row with an element it
// cannot decide, with a NaN or inf, or with results near the subnormal range is computed by
// MPFR (references/row_reference.h) instead. Either way the result is the correctly rounded
// value of the exact softmax, the same as mpfr_ref::softmax (properties/dd_softmax_test.cpp).
#pragma once

#include <span>
#include <vector>

#include "references/double_double.h"

namespace numguard::dd_ref {

std::vector<double> softmax(std::span<const double> x, bool log);

// exp(hi + lo) for -750 <= hi <= 0 as a double-double, with relative error below 2^-96 where
// hi >= -665 (results above 2^-960; below, the low word is subnormal and the error is at most
// 2^-1074 absolute). The rounding decisions above rest on this bound;
// properties/dd_softmax_test.cpp measures it.
dd::DD exp(dd::DD d);

// How many rows the last calls on this thread handed to MPFR (for tests).
long mpfr_rows();

}  // namespace numguard::dd_ref
