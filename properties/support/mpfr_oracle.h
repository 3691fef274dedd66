// An independent rounding oracle for tests: scales x to an integer at the target's ulp
// exponent and lets MPFR's integer rounding functions decide (mpfr_round gives ties away).
// It shares no code with harness/core/rounding.cpp beyond the format constants.
#pragma once

#include <mpfr.h>

#include <cmath>
#include <limits>

#include "harness/core/format.h"
#include "harness/core/rounding.h"

namespace numguard::testing {

inline double oracle_overflow(const FormatDesc& d, bool neg, Rounding m, bool saturate) {
  // Beyond the range without saturation: inf, else NaN, else (fp6, fp4) the largest finite.
  const double inf = d.has_inf()   ? std::numeric_limits<double>::infinity()
                     : d.has_nan() ? std::nan("")
                                   : d.max_finite();
  const double big =
      saturate || m == Rounding::rz || (m == Rounding::ru && neg) || (m == Rounding::rd && !neg)
          ? d.max_finite()
          : inf;
  return neg ? -big : big;
}

// x rounded into f with mode m, as a double (NaN where the format gives NaN). The rules of the
// formats without NaN, without a sign or without zero (docs/REFERENCE.md "Formats"): NaN gives
// the largest finite value where there is no NaN; a negative number has no unsigned encoding
// (NaN) and -0 is +0; e8m0 gives its smallest value, 2^-127, for zero and whatever lies below;
// fnuz fp8 has no -0 (its pattern is NaN): a zero of either sign is +0.
inline double oracle_round(Format f, double x, Rounding m, bool saturate = false) {
  const FormatDesc& d = desc(f);
  if (std::isnan(x)) return d.has_nan() ? x : d.max_finite();
  if (!d.has_sign && x < 0) return std::nan("");
  if (!d.has_sign) x = std::fabs(x);  // -0 is +0
  if (!d.has_zero() && x == 0) return d.min_subnormal();
  if (std::isinf(x))
    return saturate ? std::copysign(d.max_finite(), x)
                    : oracle_overflow(d, x < 0, Rounding::rne, false);
  if (x == 0) return d.has_negative_zero() ? x : 0.0;
  const int q = std::max(std::ilogb(x), d.emin()) - (d.precision - 1);
  mpfr_t s;
  mpfr_init2(s, 64);
  mpfr_set_d(s, x, MPFR_RNDN);  // exact: 53 <= 64 bits
  mpfr_mul_2si(s, s, -q, MPFR_RNDN);
  switch (m) {
    case Rounding::rne:
      mpfr_rint(s, s, MPFR_RNDN);
      break;
    case Rounding::rz:
      mpfr_trunc(s, s);
      break;
    case Rounding::ru:
      mpfr_ceil(s, s);
      break;
    case Rounding::rd:
      mpfr_floor(s, s);
      break;
    case Rounding::rna:
      mpfr_round(s, s);
      break;
    case Rounding::sr:
      break;
  }
  double r = std::ldexp(mpfr_get_d(s, MPFR_RNDN), q);
  mpfr_clear(s);
  if (std::fabs(r) > d.max_finite()) return oracle_overflow(d, x < 0, m, saturate);
  if (r == 0 && !d.has_zero()) return d.min_subnormal();
  return r == 0 ? (d.has_negative_zero() ? std::copysign(0.0, x) : 0.0) : r;
}

}  // namespace numguard::testing
