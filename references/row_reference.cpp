#include "references/row_reference.h"

#include <cmath>
#include <deque>
#include <limits>

#include "references/mpfr_value.h"

namespace numguard::mpfr_ref {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Differences of two doubles of fp32's range (and of narrower formats) are exact at 320 bits.
constexpr mpfr_prec_t kExactDiff = 320;

bool any_nan_or_pos_inf(std::span<const double> x) {
  for (double v : x)
    if (std::isnan(v) || v == std::numeric_limits<double>::infinity()) return true;
  return false;
}

}  // namespace

std::vector<double> softmax(std::span<const double> x, bool log, mpfr_prec_t prec) {
  std::vector<double> y(x.size(), kNaN);
  if (x.empty() || any_nan_or_pos_inf(x)) return y;
  double mx = -std::numeric_limits<double>::infinity();
  for (double v : x) mx = std::max(mx, v);
  if (std::isinf(mx)) return y;  // every entry -inf: 0 / 0
  std::deque<Mpfr> d;            // Mpfr does not move
  Mpfr e(prec), s(prec), t(prec);
  mpfr_set_zero(s, 1);
  for (double v : x) {
    d.emplace_back(kExactDiff);
    mpfr_set_d(d.back(), v, MPFR_RNDN);
    mpfr_sub_d(d.back(), d.back(), mx, MPFR_RNDN);  // exact; -inf stays -inf
    mpfr_exp(e, d.back(), MPFR_RNDN);
    mpfr_add(s, s, e, MPFR_RNDN);
  }
  if (log) mpfr_log(s, s, MPFR_RNDN);
  for (size_t i = 0; i < x.size(); ++i) {
    if (log) {
      mpfr_sub(t, d[i], s, MPFR_RNDN);
    } else {
      mpfr_exp(e, d[i], MPFR_RNDN);
      mpfr_div(t, e, s, MPFR_RNDN);
    }
    y[i] = mpfr_get_d(t, MPFR_RNDN);
  }
  return y;
}

}  // namespace numguard::mpfr_ref
