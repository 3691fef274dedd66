#include "kernels_under_test/cpu/attention_rows.h"

#include <algorithm>
#include <limits>
#include <vector>

#include "kernels_under_test/cpu/fp32_math.h"
#include "kernels_under_test/cpu/row_kernel.h"

namespace numguard::kernels {
namespace {

namespace fm = fp32math;
constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// max that keeps a NaN once one is seen (a NaN score must poison the row).
float max_nan(float a, float b) {
  return (b > a || b != b) ? b : a;
}

struct Row {
  const float* v;  // V, n x k
  int64_t n, k;
};

void naive_row(const AttentionAlgo& a, const std::vector<float>& s, int64_t nk, const Row& r,
               float* y) {
  float mx = kNegInf;
  for (int64_t j = 0; j < nk; ++j) mx = max_nan(mx, s[j]);
  if (a.guard_empty && mx == kNegInf) {  // nothing visible: the documented zeros
    std::fill(y, y + r.k, 0.0f);
    return;
  }
  std::vector<float> p(static_cast<size_t>(nk));
  float l = 0.0f;
  for (int64_t j = 0; j < nk; ++j) {
    p[j] = fm::exp(s[j] - mx);
    l = l + p[j];
  }
  for (int64_t j = 0; j < nk; ++j) p[j] = p[j] / l;
  for (int64_t d = 0; d < r.k; ++d) {
    float acc = 0.0f;
    for (int64_t j = 0; j < nk; ++j) acc = acc + p[j] * r.v[j * r.k + d];
    y[d] = acc;
  }
}

void tiled_row(const AttentionAlgo& a, const std::vector<float>& s, int64_t nk, const Row& r,
               float* y) {
  float m = kNegInf, l = 0.0f;
  std::vector<float> acc(static_cast<size_t>(r.k), 0.0f), pv(static_cast<size_t>(r.k));
  const int64_t b = std::max(a.block, 1);
  for (int64_t t0 = 0; t0 < nk; t0 += b) {
    const int64_t t1 = std::min(t0 + b, nk);
    float mt = kNegInf;
    for (int64_t j = t0; j < t1; ++j) mt = max_nan(mt, s[j]);
    const float mn = max_nan(m, mt);
    if (a.guard_empty && mn == kNegInf) continue;  // no finite score yet: nothing to add
    float ls = 0.0f;
    std::fill(pv.begin(), pv.end(), 0.0f);
    for (int64_t j = t0; j < t1; ++j) {
      const float e = fm::exp(s[j] - mn);
      ls = ls + e;
      for (int64_t d = 0; d < r.k; ++d) pv[d] = pv[d] + e * r.v[j * r.k + d];
    }
    if (m == kNegInf) {  // first tile with a finite max: l and acc were 0, nothing to rescale
      l = ls;
      acc = pv;
    } else {
      const float corr = fm::exp(m - mn);
      l = l * corr + ls;
      for (int64_t d = 0; d < r.k; ++d) acc[d] = (a.rescale_acc ? acc[d] * corr : acc[d]) + pv[d];
    }
    m = mn;
  }
  for (int64_t d = 0; d < r.k; ++d) y[d] = a.guard_empty && l == 0.0f ? 0.0f : acc[d] / l;
}

}  // namespace

void attention_rows(const AttentionAlgo& a, const Problem& p, Tensor& out) {
  const std::vector<float> q = to_floats(p.a), kk = to_floats(p.b), v = to_floats(p.c);
  const float scale = static_cast<float>(p.scalars.at(0));
  const bool by_value = a.mask_by_neg_inf || a.mask_sentinel.has_value();
  const Row r{v.data(), p.n, p.k};
  std::vector<float> s(static_cast<size_t>(p.n)), y(static_cast<size_t>(p.k));
  const std::vector<uint8_t> rows = sampled_rows(p.m, p.k);
  for (int64_t i = 0; i < p.m; ++i) {
    if (!wanted_row(rows, i)) continue;
    const int64_t visible = std::clamp<int64_t>(p.lengths.at(static_cast<size_t>(i)), 0, p.n);
    const int64_t nk = by_value ? p.n : visible;
    for (int64_t j = 0; j < nk; ++j) {
      float dot = 0.0f;
      for (int64_t d = 0; d < p.k; ++d) dot = dot + q[i * p.k + d] * kk[j * p.k + d];
      s[j] = dot * scale;
      if (j >= visible) s[j] = a.mask_by_neg_inf ? kNegInf : s[j] + *a.mask_sentinel;
    }
    if (a.method == Method::tiled)
      tiled_row(a, s, nk, r, y.data());
    else
      naive_row(a, s, nk, r, y.data());
    for (int64_t d = 0; d < p.k; ++d)
      out.bits[static_cast<size_t>(i * p.k + d)] = from_float(y[d], out.format);
  }
}

Recipe attention_recipe(Format in, const AttentionAlgo& a) {
  if (a.method == Method::tiled)
    return row_recipe({.in = in,
                       .out = in,
                       .method = Method::tiled,
                       .shape = {.order = Order::blocked, .block = a.block},
                       .math_ulps = fp32math::kExpLogUlps});
  return row_recipe(
      {.in = in, .out = in, .method = Method::two_pass, .math_ulps = fp32math::kExpLogUlps});
}

}  // namespace numguard::kernels
