#include "harness/cli/format_constants.h"

#include <mpfr.h>

#include <cmath>

#include "references/mpfr_value.h"

namespace numguard::cli {
namespace {

// ln(a + b) in MPFR: a + ulp/2 at the top of fp64 (2^1024 - 2^970) is not a double.
double ln_of_sum(double a, double b) {
  Mpfr x(128);
  mpfr_set_d(x, a, MPFR_RNDN);
  mpfr_add_d(x, x, b, MPFR_RNDN);  // exact: both are multiples of a common power of two
  mpfr_log(x, x, MPFR_RNDN);
  return mpfr_get_d(x, MPFR_RNDN);
}

// ln(2^k) = k ln 2; 2^k itself may be below the smallest double (fp64: 2^-1075).
double ln_pow2(long k) {
  Mpfr x(128);
  mpfr_const_log2(x, MPFR_RNDN);
  mpfr_mul_si(x, x, k, MPFR_RNDN);
  return mpfr_get_d(x, MPFR_RNDN);
}

}  // namespace

FormatConstants constants_of(Format f) {
  const FormatDesc& d = desc(f);
  FormatConstants c{};
  c.desc = &d;
  c.max_finite = d.max_finite();
  c.min_normal = d.min_normal();
  c.min_subnormal = d.min_subnormal();
  c.eps = d.eps();
  c.u = d.unit_roundoff();
  const double top_ulp = std::ldexp(1.0, d.emax() - (d.precision - 1));
  c.exp_overflow = ln_of_sum(c.max_finite, top_ulp / 2);
  c.exp_overflow_result = d.has_inf() ? "inf" : d.saturates_by_default ? "max" : "nan";
  c.exp_subnormal = ln_of_sum(c.min_normal, -c.min_subnormal / 2);
  c.exp_zero = ln_pow2(d.emin() - d.precision);  // half the smallest subnormal
  return c;
}

}  // namespace numguard::cli
