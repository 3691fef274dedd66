#include "harness/cli/exact_ulp_error.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace numguard::cli {

double exact_ulp_error(Format to, uint64_t result_bits, mpfr_srcptr exact, mpfr_ptr scratch) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const FpClass c = classify(to, result_bits);
  if (mpfr_nan_p(exact)) return c == FpClass::nan ? 0.0 : kInf;
  if (mpfr_inf_p(exact)) {
    const bool same = c == FpClass::inf && sign_bit(to, result_bits) == (mpfr_signbit(exact) != 0);
    return same ? 0.0 : kInf;
  }
  if (c == FpClass::nan || c == FpClass::inf) return kInf;

  const FormatDesc& d = desc(to);
  long e = d.emin();
  if (!mpfr_zero_p(exact)) e = std::clamp<long>(mpfr_get_exp(exact) - 1, d.emin(), d.emax());
  const long ulp_exp = e - (d.precision - 1);

  // The result is a double; the difference is as exact as scratch's precision allows.
  mpfr_set_d(scratch, decode(to, result_bits), MPFR_RNDN);
  mpfr_sub(scratch, scratch, exact, MPFR_RNDN);
  mpfr_abs(scratch, scratch, MPFR_RNDN);
  mpfr_mul_2si(scratch, scratch, -ulp_exp, MPFR_RNDN);
  return mpfr_get_d(scratch, MPFR_RNDN);
}

}  // namespace numguard::cli
