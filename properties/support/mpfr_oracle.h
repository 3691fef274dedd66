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
  const double inf = d.has_inf() ? std::numeric_limits<double>::infinity() : std::nan("");
  const double big =
      saturate || m == Rounding::rz || (m == Rounding::ru && neg) || (m == Rounding::rd && !neg)
          ? d.max_finite()
          : inf;
  return neg ? -big : big;
}

// x rounded into f with mode m, as a double (NaN where the format gives NaN).
inline double oracle_round(Format f, double x, Rounding m, bool saturate = false) {
  const FormatDesc& d = desc(f);
  if (std::isnan(x)) return x;
  if (std::isinf(x))
    return saturate ? std::copysign(d.max_finite(), x)
                    : oracle_overflow(d, x < 0, Rounding::rne, false);
  if (x == 0) return x;
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
  return r == 0 ? std::copysign(0.0, x) : r;
}

}  // namespace numguard::testing
