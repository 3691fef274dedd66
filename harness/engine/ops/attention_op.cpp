// attention: y = softmax(Q K^T * scale over the visible keys) V. a = Q (m x k), b = K (n x k),
// c = V (n x k), lengths[i] = keys query row i sees (j < lengths[i]: causal and padding masks
// both), scalars = {scale = fp32(1/sqrt(k))}; out m x k; a row with no visible key gives
// zeros. The bound follows the recipe's method (two_pass or tiled) operation by operation
// (attention_bound.h; docs/error-models.md, "Attention").
#include <algorithm>
#include <cmath>

#include "harness/engine/generators.h"
#include "harness/engine/ops/attention_bound.h"
#include "harness/engine/ops/op_cases.h"
#include "harness/engine/ops/row_op_common.h"
#include "references/attention_reference.h"

namespace numguard::ops {
namespace {

constexpr int64_t kMaxRows = 32, kMaxKeys = 32, kMaxDim = 32;

// Visible keys per query row: none, causal (bottom-right aligned, so with m > n the first
// m - n rows see nothing), padding (one length L for the case, sometimes 0: fully masked
// rows), or both.
std::vector<int64_t> make_lengths(int64_t m, int64_t n, Rng& r) {
  const int64_t kind = r.integer(0, 3);
  const int64_t pad = r.coin(0.25) ? 0 : r.integer(0, n);
  std::vector<int64_t> len(static_cast<size_t>(m));
  for (int64_t i = 0; i < m; ++i) {
    int64_t c = (kind & 1) ? std::clamp<int64_t>(i + 1 + (n - m), 0, n) : n;
    if (kind & 2) c = std::min(c, pad);
    len[static_cast<size_t>(i)] = c;
  }
  return len;
}

Problem make_attention(const KernelDesc& kd, Rng& r, std::string_view g) {
  const Format in = kd.recipe.in;
  const FormatDesc& fd = desc(in);
  Problem p;
  p.m = r.log_uniform(1, kMaxRows);
  p.n = row_length(g, kMaxKeys, std::max(kd.recipe.shape.block, 8), r);
  p.k = r.log_uniform(1, kMaxDim);
  const double scale = fp32(1 / std::sqrt(static_cast<double>(p.k)));
  p.scalars = {scale};
  const double spread = r.uniform(1, 3);
  ValueFn qk = values_for(g, in, spread, r), vv = values_for(g, in, spread, r);
  if (g == "log_uniform") {
    // Q, K log-uniform from the smallest subnormal up to 4 (scores the softmax resolves: an
    // fp32 score error must stay far below 1); V over the format's whole range.
    const int lo = fd.emin() - fd.precision + 1;
    qk = [lo](Rng& x) {
      const double v = std::ldexp(x.uniform(1, 2), static_cast<int>(x.integer(lo, 1)));
      return x.coin() ? -v : v;
    };
  } else if (g == "near_overflow" || g == "ill_conditioned") {
    // Large Q, K: scores of magnitude T (near_overflow: 1e4..6e4, where a finite -10000 mask
    // sentinel unmasks; ill_conditioned: 1e2..1e4 with Q, K near a common offset, so the
    // scores nearly coincide and s_j - max cancels).
    const bool big = g == "near_overflow";
    const double t = big ? r.uniform(1e4, 6e4) : r.uniform(1e2, 1e4);
    const double a = std::sqrt(t / (scale * static_cast<double>(p.k) * (big ? 0.5625 : 1)));
    Tensor q = fill_tensor(in, {p.m, p.k}, r, [&](Rng& x) {
      return big ? a * x.uniform(0.5, 1) : a + spread * 0.01 * x.normal();
    });
    Tensor kk(in, {p.n, p.k});
    const double mx = fd.max_finite();
    for (int64_t j = 0; j < p.n; ++j) {
      const double sign = r.coin() ? -1 : 1;
      for (int64_t d = 0; d < p.k; ++d) {
        const double val = big ? sign * a * r.uniform(0.5, 1) : a + spread * 0.01 * r.normal();
        kk.bits[static_cast<size_t>(j * p.k + d)] = to_bits(in, std::clamp(val, -mx, mx));
      }
    }
    p.a = std::move(q);
    p.b = std::move(kk);
    p.c = fill_tensor(in, {p.n, p.k}, r, values_for("uniform", in, spread, r));
    p.lengths = make_lengths(p.m, p.n, r);
    return p;
  }
  p.a = fill_tensor(in, {p.m, p.k}, r, qk);
  p.b = fill_tensor(in, {p.n, p.k}, r, qk);
  p.c = fill_tensor(in, {p.n, p.k}, r, vv);
  if (g == "special") {
    const int64_t which = r.integer(1, 7);  // a nonempty subset of Q, K, V
    if (which & 1) plant_specials(p.a, r);
    if (which & 2) plant_specials(p.b, r);
    if (which & 4) plant_specials(p.c, r);
  }
  p.lengths = make_lengths(p.m, p.n, r);
  return p;
}

std::vector<double> all_values(const Tensor& t) {
  std::vector<double> v(t.size());
  for (size_t i = 0; i < t.size(); ++i) v[i] = t.value(i);
  return v;
}

std::vector<OpElement> judge(const Recipe& rc, const Problem& p) {
  std::vector<OpElement> out;
  out.reserve(static_cast<size_t>(p.m * p.k));
  const std::string declared = declared_domain_reason(rc, {&p.a, &p.b, &p.c});
  const std::vector<double> kk = all_values(p.b), v = all_values(p.c);
  const double scale = p.scalars.at(0);
  for (int64_t i = 0; i < p.m; ++i) {
    const std::vector<double> q = row_values(p.a, p.k, i);
    const int64_t visible = std::clamp<int64_t>(p.lengths.at(static_cast<size_t>(i)), 0, p.n);
    const std::vector<double> y = mpfr_ref::attention_row(q, kk, v, p.n, p.k, visible, scale);
    const AttentionRowBound b = attention_row_bound(rc, q, kk, v, p.n, p.k, visible, scale);
    for (int64_t d = 0; d < p.k; ++d) {
      double reach = 0;
      bool unsure_inf = false;
      for (int64_t j = 0; j < visible; ++j) {
        const double x = v[static_cast<size_t>(j * p.k + d)];
        if (std::isfinite(x)) reach = std::max(reach, std::fabs(x));
        unsure_inf = unsure_inf || (std::isinf(x) && !b.weight_sure[static_cast<size_t>(j)]);
      }
      OpElement e = element_from(rc, y[static_cast<size_t>(d)], b.y[static_cast<size_t>(d)], reach);
      if (!declared.empty()) e.domain = declared;
      // inf in V meets a weight (or a rescale) that may round to 0: the kernel's 0 * inf is
      // NaN where the exact weight is positive and the reference is inf.
      if (unsure_inf) e.domain = "inf in V at a key whose weight may round to 0 (0 * inf)";
      if (b.score_overflow && e.domain.empty()) e.domain = "an fp32 score may overflow";
      out.push_back(std::move(e));
    }
  }
  return out;
}

}  // namespace

const OpInfo& attention_op() {
  static const OpInfo op = [] {
    OpInfo o;
    o.name = "attention";
    o.operands =
        "a: Q (m x k), b: K (n x k), c: V (n x k), lengths: visible keys per query row, "
        "scalars: {scale}; out: m x k";
    o.make = make_attention;
    o.out_shape = [](const Problem& p) { return std::vector<int64_t>{p.m, p.k}; };
    o.judge = judge;
    o.describe = [](const Problem& p, size_t i) {
      const int64_t row = static_cast<int64_t>(i) / std::max<int64_t>(p.k, 1);
      return "query row " + std::to_string(row) + " (" +
             std::to_string(p.lengths.at(static_cast<size_t>(row))) + " of " + std::to_string(p.n) +
             " keys visible, scale " + std::to_string(p.scalars.at(0)) +
             "): " + describe_row(p.a, p.k, row);
    };
    return o;
  }();
  return op;
}

}  // namespace numguard::ops
