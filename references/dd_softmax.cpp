#include "references/dd_softmax.h"

#include <mpfr.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "references/double_double.h"
#include "references/mpfr_value.h"
#include "references/row_reference.h"

namespace numguard::dd_ref {
namespace {

using dd::DD;

thread_local long handed_to_mpfr = 0;

// exp(d) = 2^e * 2^(j / 1024) * exp(r): k = round(d * 1024 / ln 2) = 1024 e + j and
// r = d - k * (ln 2 / 1024), |r| <= 2^-11.4. ln 2 / 1024 is held in three doubles, the first
// with 31 significant bits so that k * c1 is exact for |k| < 2^22; the table and constants come
// from MPFR at 320 bits, each rounded to double-double.
struct ExpTables {
  std::array<DD, 1024> pow2{};  // 2^(j / 1024)
  double c1 = 0, c2 = 0, c3 = 0;
  DD sixth;  // 1/6
  ExpTables() {
    Mpfr t(320), r(320), h(53);
    auto to_dd = [&](mpfr_srcptr v) {
      DD x;
      x.hi = mpfr_get_d(v, MPFR_RNDN);
      mpfr_sub_d(r, v, x.hi, MPFR_RNDN);
      x.lo = mpfr_get_d(r, MPFR_RNDN);
      return x;
    };
    for (int j = 0; j < 1024; ++j) {
      mpfr_set_si(t, j, MPFR_RNDN);
      mpfr_div_ui(t, t, 1024, MPFR_RNDN);
      mpfr_ui_pow(t, 2, t, MPFR_RNDN);
      pow2[static_cast<size_t>(j)] = to_dd(t);
    }
    mpfr_const_log2(t, MPFR_RNDN);
    mpfr_div_ui(t, t, 1024, MPFR_RNDN);
    Mpfr c1v(31);
    mpfr_set(c1v, t, MPFR_RNDN);
    c1 = mpfr_get_d(c1v, MPFR_RNDN);
    mpfr_sub_d(t, t, c1, MPFR_RNDN);
    c2 = mpfr_get_d(t, MPFR_RNDN);
    mpfr_sub_d(t, t, c2, MPFR_RNDN);
    c3 = mpfr_get_d(t, MPFR_RNDN);
    mpfr_set_ui(t, 1, MPFR_RNDN);
    mpfr_div_ui(t, t, 6, MPFR_RNDN);
    sixth = to_dd(t);
  }
};

const ExpTables& tables() {
  static const ExpTables t;
  return t;
}

// exp(d) for -750 <= d <= 0 with relative error below 2^-96 for d >= -665 (dd_softmax.h): reduction
// error below 2^-110 relative to exp, the table entry 2^-106, the polynomial 1 + r + r^2/2 + r^3/6
// + q (q, the terms from r^4 on, below 2^-50 and summed in double) 2^-97, one product 2^-100.
DD exp_dd(DD d) {
  const ExpTables& t = tables();
  const double k = std::nearbyint(d.hi * (1024 / 0.69314718055994530942));
  const DD kc2 = dd::two_prod(k, t.c2);
  // d.hi - k c1 is exact: both have the same sign within a factor 2, or k = 0.
  DD r = dd::add(dd::two_sum(d.hi - k * t.c1, d.lo), dd::neg(kc2));
  r = dd::add(r, DD{-k * t.c3, 0});
  const double x = r.hi;
  const double q =
      x * (1.0 / 24 + x * (1.0 / 120 + x * (1.0 / 720 + x * (1.0 / 5040 + x / 40320))));
  DD p = dd::add(t.sixth, DD{q, 0});
  p = dd::add(dd::mul(p, r), DD{0.5, 0});
  p = dd::add(dd::mul(p, r), DD{1, 0});
  p = dd::add(dd::mul(p, r), DD{1, 0});
  const auto ki = static_cast<long>(k);
  const long j = ((ki % 1024) + 1024) % 1024, e = (ki - j) / 1024;
  const DD y = dd::mul(p, t.pow2[static_cast<size_t>(j)]);
  return {std::ldexp(y.hi, static_cast<int>(e)), std::ldexp(y.lo, static_cast<int>(e))};
}

// Whether y.hi is the correctly rounded value of every real within abs_err of y.hi + y.lo:
// the distance from y.hi + y.lo to the rounding boundary on lo's side must exceed abs_err.
bool decides(DD y, double abs_err) {
  const double h = std::fabs(y.hi);
  if (!(h >= 0x1p-960) || !std::isfinite(h)) return false;  // subnormal range: MPFR
  const bool away = (y.lo > 0) == (y.hi > 0);
  const double step =
      away || y.lo == 0 ? std::nextafter(h, INFINITY) - h : h - std::nextafter(h, 0.0);
  const double below = h - std::nextafter(h, 0.0);
  const double half = 0.5 * (y.lo == 0 ? std::min(step, below) : step);
  return abs_err * (1 + 0x1p-40) < half - std::fabs(y.lo);
}

bool all_finite(std::span<const double> x) {
  return std::all_of(x.begin(), x.end(), [](double v) { return std::isfinite(v); });
}

}  // namespace

long mpfr_rows() {
  return handed_to_mpfr;
}

DD exp(DD d) {
  return exp_dd(d);
}

std::vector<double> softmax(std::span<const double> x, bool log) {
  auto by_mpfr = [&] {
    ++handed_to_mpfr;
    return mpfr_ref::softmax(x, log);
  };
  if (x.empty() || !all_finite(x)) return by_mpfr();
  const double mx = *std::max_element(x.begin(), x.end());
  const size_t n = x.size();
  std::vector<DD> d(n), e(n);
  DD s;
  for (size_t i = 0; i < n; ++i) {
    d[i] = dd::two_sum(x[i], -mx);  // exact
    if (!std::isfinite(d[i].hi)) return by_mpfr();
    // Below -750, exp(d) < 2^-1082: nothing to the sum (>= 1) within its error bound, and its
    // probability rounds to +0.
    e[i] = d[i].hi < -750 ? DD{} : exp_dd(d[i]);
    s = dd::add(s, e[i]);
  }
  // Relative error of s: 2^-96 from each exp, 2^-100 per addition of n positive terms.
  const double s_err = 0x1p-96 + static_cast<double>(n) * 0x1p-100;
  std::vector<double> y(n);
  if (!log) {
    // exp 2^-96, s s_err, the quotient 2^-100, and their products: below 2^-94 + s_err.
    const double rel = 0x1p-94 + s_err;
    for (size_t i = 0; i < n; ++i) {
      if (d[i].hi < -750) {
        y[i] = 0;
        continue;
      }
      const DD q = dd::div(e[i], s);
      if (!decides(q, rel * std::fabs(q.hi))) return by_mpfr();
      y[i] = q.hi;
    }
    return y;
  }
  // log(s) once per row through MPFR (s exact at 256 bits), rounded to double-double: its
  // error is s's relative error (times 1.01) plus 2^-105 |log s|.
  Mpfr m(256), l(256);
  mpfr_set_d(m, s.hi, MPFR_RNDN);
  mpfr_add_d(m, m, s.lo, MPFR_RNDN);
  mpfr_log(l, m, MPFR_RNDN);
  DD lse;
  lse.hi = mpfr_get_d(l, MPFR_RNDN);
  mpfr_sub_d(l, l, lse.hi, MPFR_RNDN);
  lse.lo = mpfr_get_d(l, MPFR_RNDN);
  const double lse_err = 1.01 * s_err + 0x1p-105 * std::fabs(lse.hi);
  for (size_t i = 0; i < n; ++i) {
    const DD v = dd::add(d[i], dd::neg(lse));
    if (!decides(v, lse_err + 0x1p-100 * std::fabs(v.hi))) return by_mpfr();
    y[i] = v.hi;
  }
  return y;
}

}  // namespace numguard::dd_ref
