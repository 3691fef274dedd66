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

// The softmax machinery: d[i] = x[i] - max (exact) and s = sum_i exp(d[i]) at s's precision;
// false when the row has no value (a NaN or +inf entry, or every entry -inf: 0 / 0).
bool shifted_exp_sum(std::span<const double> x, std::deque<Mpfr>& d, Mpfr& s) {
  if (x.empty() || any_nan_or_pos_inf(x)) return false;
  double mx = -std::numeric_limits<double>::infinity();
  for (double v : x) mx = std::max(mx, v);
  if (std::isinf(mx)) return false;
  Mpfr e(mpfr_get_prec(s));
  mpfr_set_zero(s, 1);
  for (double v : x) {
    d.emplace_back(kExactDiff);
    mpfr_set_d(d.back(), v, MPFR_RNDN);
    mpfr_sub_d(d.back(), d.back(), mx, MPFR_RNDN);  // exact; -inf stays -inf
    mpfr_exp(e, d.back(), MPFR_RNDN);
    mpfr_add(s, s, e, MPFR_RNDN);
  }
  return true;
}

}  // namespace

std::vector<double> softmax(std::span<const double> x, bool log, mpfr_prec_t prec) {
  std::vector<double> y(x.size(), kNaN);
  std::deque<Mpfr> d;  // Mpfr does not move
  Mpfr e(prec), s(prec), t(prec);
  if (!shifted_exp_sum(x, d, s)) return y;
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

double cross_entropy(std::span<const double> x, int64_t n, std::span<const int64_t> targets,
                     mpfr_prec_t prec) {
  Mpfr total(prec), lse(prec), loss(prec);
  mpfr_set_zero(total, 1);
  const auto m = static_cast<int64_t>(targets.size());
  for (int64_t r = 0; r < m; ++r) {
    const std::span<const double> row = x.subspan(static_cast<size_t>(r * n), n);
    std::deque<Mpfr> d;
    if (!shifted_exp_sum(row, d, lse)) return kNaN;
    mpfr_log(lse, lse, MPFR_RNDN);
    // loss = log(sum) - (x_t - max); a -inf target logit gives +inf.
    mpfr_sub(loss, lse, d[static_cast<size_t>(targets[static_cast<size_t>(r)])], MPFR_RNDN);
    mpfr_add(total, total, loss, MPFR_RNDN);
  }
  mpfr_div_si(total, total, static_cast<long>(m), MPFR_RNDN);
  return mpfr_get_d(total, MPFR_RNDN);
}

std::vector<double> adam(std::span<const double> w, std::span<const double> g,
                         std::span<const double> m, std::span<const double> v, const AdamParams& h,
                         mpfr_prec_t prec) {
  const size_t n = w.size();
  std::vector<double> out(3 * n);
  Mpfr bc1(prec), bc2(prec), omb1(prec), omb2(prec), t(prec), u(prec), m1(prec), v1(prec);
  // 1 - beta^t with beta^t exact at prec (t <= 10^4 multiplications' worth of bits would
  // not fit; mpfr_pow_ui rounds once).
  auto bias_correction = [&](Mpfr& bc, double beta) {
    mpfr_set_d(bc, beta, MPFR_RNDN);
    mpfr_pow_ui(bc, bc, static_cast<unsigned long>(h.step), MPFR_RNDN);
    mpfr_ui_sub(bc, 1, bc, MPFR_RNDN);
  };
  bias_correction(bc1, h.beta1);
  bias_correction(bc2, h.beta2);
  mpfr_set_d(omb1, h.beta1, MPFR_RNDN);
  mpfr_ui_sub(omb1, 1, omb1, MPFR_RNDN);  // exact
  mpfr_set_d(omb2, h.beta2, MPFR_RNDN);
  mpfr_ui_sub(omb2, 1, omb2, MPFR_RNDN);
  for (size_t i = 0; i < n; ++i) {
    // m' = b1 m + (1 - b1) g
    mpfr_set_d(m1, m[i], MPFR_RNDN);
    mpfr_mul_d(m1, m1, h.beta1, MPFR_RNDN);
    mpfr_mul_d(t, omb1, g[i], MPFR_RNDN);
    mpfr_add(m1, m1, t, MPFR_RNDN);
    // v' = b2 v + (1 - b2) g^2
    mpfr_set_d(v1, v[i], MPFR_RNDN);
    mpfr_mul_d(v1, v1, h.beta2, MPFR_RNDN);
    mpfr_set_d(t, g[i], MPFR_RNDN);
    mpfr_sqr(t, t, MPFR_RNDN);
    mpfr_mul(t, t, omb2, MPFR_RNDN);
    mpfr_add(v1, v1, t, MPFR_RNDN);
    // w' = w - lr (m' / bc1) / (sqrt(v' / bc2) + eps)
    mpfr_div(u, v1, bc2, MPFR_RNDN);
    mpfr_sqrt(u, u, MPFR_RNDN);
    mpfr_add_d(u, u, h.eps, MPFR_RNDN);
    mpfr_div(t, m1, bc1, MPFR_RNDN);
    mpfr_mul_d(t, t, h.lr, MPFR_RNDN);
    mpfr_div(t, t, u, MPFR_RNDN);
    mpfr_d_sub(t, w[i], t, MPFR_RNDN);
    out[i] = mpfr_get_d(t, MPFR_RNDN);
    out[n + i] = mpfr_get_d(m1, MPFR_RNDN);
    out[2 * n + i] = mpfr_get_d(v1, MPFR_RNDN);
  }
  return out;
}

std::vector<double> amax(std::span<const double> x, int64_t n) {
  const size_t rows = n > 0 ? x.size() / static_cast<size_t>(n) : 0;
  std::vector<double> y(rows, 0.0);
  for (size_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < n; ++j) {
      const double a = std::fabs(x[r * static_cast<size_t>(n) + static_cast<size_t>(j)]);
      if (std::isnan(a)) {
        y[r] = kNaN;
        break;
      }
      y[r] = std::max(y[r], a);
    }
  return y;
}

}  // namespace numguard::mpfr_ref
