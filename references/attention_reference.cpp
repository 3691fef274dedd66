#include "references/attention_reference.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>

#include "references/mpfr_value.h"

namespace numguard::mpfr_ref {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr mpfr_prec_t kScorePrec = 320;

double sum_to_double(std::deque<Mpfr>& terms, Mpfr& out) {
  std::vector<mpfr_ptr> ptrs;
  ptrs.reserve(terms.size());
  for (Mpfr& t : terms) ptrs.push_back(t);
  mpfr_sum(out, ptrs.data(), static_cast<unsigned long>(ptrs.size()), MPFR_RNDN);
  return mpfr_get_d(out, MPFR_RNDN);
}

}  // namespace

std::vector<double> attention_row(std::span<const double> q, std::span<const double> kk,
                                  std::span<const double> v, int64_t n, int64_t k, int64_t visible,
                                  double scale, mpfr_prec_t prec) {
  const int64_t L = std::clamp<int64_t>(visible, 0, n);
  std::vector<double> y(static_cast<size_t>(k), 0.0);
  if (L == 0) return y;
  // Scores: each product of two values of fp32 (or narrower) is exact in double.
  std::deque<Mpfr> s;  // Mpfr does not move
  std::deque<Mpfr> prods;
  for (int64_t d = 0; d < k; ++d) prods.emplace_back(kScorePrec);
  std::vector<mpfr_ptr> pp;
  for (Mpfr& t : prods) pp.push_back(t);
  bool poisoned = false, any_finite = false;
  for (int64_t j = 0; j < L; ++j) {
    for (int64_t d = 0; d < k; ++d) {
      mpfr_set_d(prods[d], q[d], MPFR_RNDN);
      mpfr_mul_d(prods[d], prods[d], kk[j * k + d], MPFR_RNDN);  // exact; 0 * inf is NaN
    }
    s.emplace_back(kScorePrec);
    mpfr_sum(s.back(), pp.data(), static_cast<unsigned long>(k), MPFR_RNDN);
    mpfr_mul_d(s.back(), s.back(), scale, MPFR_RNDN);
    mpfr_srcptr sj = s.back().get();
    poisoned = poisoned || mpfr_nan_p(sj) || (mpfr_inf_p(sj) && mpfr_sgn(sj) > 0);
    any_finite = any_finite || mpfr_number_p(sj);
  }
  if (poisoned) return std::vector<double>(static_cast<size_t>(k), kNaN);
  if (!any_finite) return y;  // every visible score -inf: weight 0 everywhere
  Mpfr mx(kScorePrec), diff(kScorePrec), l(prec), out(prec);
  mpfr_set_inf(mx, -1);
  for (Mpfr& t : s)
    if (mpfr_number_p(t.get()) && mpfr_cmp(t, mx) > 0) mpfr_set(mx, t, MPFR_RNDN);
  std::deque<Mpfr> w;
  for (Mpfr& t : s) {
    mpfr_sub(diff, t, mx, MPFR_RNDN);  // 2^-320 relative; -inf stays -inf
    w.emplace_back(prec);
    mpfr_exp(w.back(), diff, MPFR_RNDN);
  }
  {
    std::vector<mpfr_ptr> wp;
    for (Mpfr& t : w) wp.push_back(t);
    mpfr_sum(l, wp.data(), static_cast<unsigned long>(wp.size()), MPFR_RNDN);
  }
  for (Mpfr& t : w) mpfr_div(t, t, l, MPFR_RNDN);
  std::deque<Mpfr> terms;
  for (int64_t j = 0; j < L; ++j) terms.emplace_back(prec);
  for (int64_t d = 0; d < k; ++d) {
    for (int64_t j = 0; j < L; ++j) mpfr_mul_d(terms[j], w[j], v[j * k + d], MPFR_RNDN);
    y[d] = sum_to_double(terms, out);
  }
  return y;
}

}  // namespace numguard::mpfr_ref
