#include "references/norm_reference.h"

#include <deque>

#include "references/mpfr_value.h"

namespace numguard::mpfr_ref {
namespace {

// One row's exact statistics: xhat_j = (x_j - mu) rstd (layernorm) or x_j rstd (rms), at
// `prec` bits, and rstd.
struct RowStats {
  std::deque<Mpfr> xhat;  // Mpfr does not move
  Mpfr rstd;
  explicit RowStats(mpfr_prec_t prec) : rstd(prec) {}
};

void row_stats(std::span<const double> x, double eps, bool rms, mpfr_prec_t prec, RowStats& st) {
  const auto n = static_cast<long>(x.size());
  Mpfr s(kNormExact), q(prec), sq(prec);
  mpfr_set_zero(s, 1);
  mpfr_set_zero(q, 1);
  std::deque<Mpfr> d;
  for (double v : x) {
    if (!rms) mpfr_add_d(s, s, v, MPFR_RNDN);  // exact
  }
  for (double v : x) {
    d.emplace_back(kNormExact);
    mpfr_set_d(d.back(), v, MPFR_RNDN);
    if (!rms) {
      mpfr_mul_si(d.back(), d.back(), n, MPFR_RNDN);  // n x_j, exact
      mpfr_sub(d.back(), d.back(), s, MPFR_RNDN);     // D_j = n x_j - S, exact
    }
    mpfr_sqr(sq, d.back(), MPFR_RNDN);
    mpfr_add(q, q, sq, MPFR_RNDN);  // all terms >= 0: relative rounding only
  }
  // var = sum D_j^2 / n^3 (layernorm), mean square = sum x_j^2 / n (rms).
  const long div = rms ? n : n * n * n;
  mpfr_div_si(q, q, div, MPFR_RNDN);
  mpfr_add_d(q, q, eps, MPFR_RNDN);
  mpfr_rec_sqrt(st.rstd, q, MPFR_RNDN);
  for (auto& dj : d) {
    st.xhat.emplace_back(prec);
    mpfr_mul(st.xhat.back(), dj, st.rstd, MPFR_RNDN);
    if (!rms) mpfr_div_si(st.xhat.back(), st.xhat.back(), n, MPFR_RNDN);
  }
}

}  // namespace

std::vector<double> norm_forward(std::span<const double> x, std::span<const double> gamma,
                                 std::span<const double> beta, double eps, bool rms,
                                 mpfr_prec_t prec) {
  RowStats st(prec);
  row_stats(x, eps, rms, prec, st);
  std::vector<double> y(x.size());
  Mpfr t(prec);
  for (size_t j = 0; j < x.size(); ++j) {
    mpfr_mul_d(t, st.xhat[j], gamma[j], MPFR_RNDN);
    if (!rms) mpfr_add_d(t, t, beta[j], MPFR_RNDN);
    y[j] = mpfr_get_d(t, MPFR_RNDN);
  }
  return y;
}

std::vector<double> norm_backward(int64_t m, int64_t n, std::span<const double> x,
                                  std::span<const double> gamma, std::span<const double> dy,
                                  double eps, bool rms, mpfr_prec_t prec) {
  const auto nn = static_cast<size_t>(n);
  std::vector<double> out(static_cast<size_t>(m) * nn + (rms ? 1 : 2) * nn);
  std::deque<Mpfr> dgamma, dbeta;
  for (size_t j = 0; j < nn; ++j) {
    mpfr_set_zero(dgamma.emplace_back(prec), 1);
    mpfr_set_zero(dbeta.emplace_back(kNormExact), 1);
  }
  Mpfr a(prec), b(prec), g(prec), t(prec), u(prec);
  for (int64_t r = 0; r < m; ++r) {
    const size_t off = static_cast<size_t>(r) * nn;
    RowStats st(prec);
    row_stats(x.subspan(off, nn), eps, rms, prec, st);
    // a = sum g_j, b = sum g_j xhat_j.
    mpfr_set_zero(a, 1);
    mpfr_set_zero(b, 1);
    for (size_t j = 0; j < nn; ++j) {
      mpfr_set_d(g, gamma[j], MPFR_RNDN);
      mpfr_mul_d(g, g, dy[off + j], MPFR_RNDN);  // 48 bits: exact
      mpfr_add(a, a, g, MPFR_RNDN);
      mpfr_mul(t, g, st.xhat[j], MPFR_RNDN);
      mpfr_add(b, b, t, MPFR_RNDN);
      mpfr_mul_d(t, st.xhat[j], dy[off + j], MPFR_RNDN);
      mpfr_add(dgamma[j], dgamma[j], t, MPFR_RNDN);
      mpfr_add_d(dbeta[j], dbeta[j], dy[off + j], MPFR_RNDN);  // exact
    }
    mpfr_div_si(a, a, static_cast<long>(n), MPFR_RNDN);
    mpfr_div_si(b, b, static_cast<long>(n), MPFR_RNDN);
    for (size_t j = 0; j < nn; ++j) {
      mpfr_set_d(g, gamma[j], MPFR_RNDN);
      mpfr_mul_d(g, g, dy[off + j], MPFR_RNDN);
      if (!rms) mpfr_sub(g, g, a, MPFR_RNDN);
      mpfr_mul(u, st.xhat[j], b, MPFR_RNDN);
      mpfr_sub(g, g, u, MPFR_RNDN);
      mpfr_mul(g, g, st.rstd, MPFR_RNDN);
      out[off + j] = mpfr_get_d(g, MPFR_RNDN);
    }
  }
  const size_t base = static_cast<size_t>(m) * nn;
  for (size_t j = 0; j < nn; ++j) {
    out[base + j] = mpfr_get_d(dgamma[j], MPFR_RNDN);
    if (!rms) out[base + nn + j] = mpfr_get_d(dbeta[j], MPFR_RNDN);
  }
  return out;
}

}  // namespace numguard::mpfr_ref
