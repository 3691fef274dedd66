// attention: y = softmax(Q K^T * scale over the visible keys) V. a = Q (m x k), b = K (n x k),
// c = V (n x k), lengths[i] = keys query row i sees (j < lengths[i]: causal and padding masks
// both), scalars = {scale = fp32(1/sqrt(k))}; out m x k; a row with no visible key gives
// zeros. The bound follows the recipe's method (two_pass or tiled) operation by operation
// (attention_bound.h; docs/error-models.md, "Attention").
#include <algorithm>
#include <cmath>
#include <limits>

#include "harness/engine/case_shapes.h"
#include "harness/engine/generators.h"
#include "harness/engine/ops/attention_bound.h"
#include "harness/engine/ops/op_cases.h"
#include "harness/engine/ops/row_op_common.h"
#include "harness/engine/ops/row_study.h"
#include "harness/engine/ops/transformer_values.h"
#include "harness/engine/relations.h"
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
  p.m = dim_or(Dim::m, r.log_uniform(1, kMaxRows));
  p.n = dim_or(Dim::n, row_length(g, kMaxKeys, std::max(kd.recipe.shape.block, 8), r));
  p.k = dim_or(Dim::k, r.log_uniform(1, kMaxDim));
  const double scale = fp32(1 / std::sqrt(static_cast<double>(p.k)));
  p.scalars = {scale};
  const double spread = r.uniform(1, 3);
  ValueFn qk = values_for(g, in, spread, r), vv = values_for(g, in, spread, r);
  if (g == "transformer") {  // Q, K, V projected activations with outlier channels along d
    qk = transformer_values(TransformerRole::activations, p.k, p.k, r, nullptr, 10);
    vv = transformer_values(TransformerRole::activations, p.k, p.k, r, nullptr, 10);
  }
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
  if (g == "api_corners") {  // fully masked rows (no visible key) and a row corner of Q
    for (int64_t i = 0, planted = r.integer(1, 2); i < planted; ++i)
      p.lengths[static_cast<size_t>(r.integer(0, p.m - 1))] = 0;
    if (r.coin()) plant_row_corners(p.a, p.k, r);
  }
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
  const RowSample sample(p.m, p.k);  // sampled verification: only the sampled query rows
  for (int64_t i = 0; i < p.m; ++i) {
    if (!sample.row(i)) continue;
    const std::vector<double> q = row_values(p.a, p.k, i);
    const int64_t visible = std::clamp<int64_t>(p.lengths.at(static_cast<size_t>(i)), 0, p.n);
    const std::vector<double> y = mpfr_ref::attention_row(q, kk, v, p.n, p.k, visible, scale);
    const AttentionRowBound b = attention_row_bound(rc, q, kk, v, p.n, p.k, visible, scale);
    for (int64_t d = 0; d < p.k; ++d) {
      if (!sample.element(i, d)) continue;
      double reach = 0;
      bool unsure_inf = false;
      for (int64_t j = 0; j < visible; ++j) {
        const double x = v[static_cast<size_t>(j * p.k + d)];
        if (std::isfinite(x)) reach = std::max(reach, std::fabs(x));
        unsure_inf = unsure_inf || (std::isinf(x) && !b.weight_sure[static_cast<size_t>(j)]);
      }
      OpElement e = element_from(rc, y[static_cast<size_t>(d)], b.y[static_cast<size_t>(d)], reach);
      // No visible key: 0 (the op's convention) unless the kernel declares NaN (0 / 0).
      if (visible == 0 && rc.empty_rows == EmptyRows::nan)
        e = OpElement{.value = std::numeric_limits<double>::quiet_NaN()};
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

void cliffs(const Recipe& rc, const RangePattern& pat, CliffList& c) {
  // The kernels form q.k in acc and then multiply by scale: the largest positive q.k of the
  // pattern overflows first (a -inf score only gets weight 0, as exactly it nearly has).
  const Format acc = rc.acc, stage = rc.stage.value_or(acc);
  const Problem& s = pat.shape;
  double top = 0, spread = 0;
  const std::vector<double>& q = pat.values[0];
  const std::vector<double>& kk = pat.values[1];
  const double scale = s.scalars.at(0);
  for (int64_t i = 0; i < s.m; ++i) {
    double lo = INFINITY, hi = -INFINITY;
    for (int64_t j = 0; j < s.n; ++j) {
      double d = 0;
      for (int64_t l = 0; l < s.k; ++l) d += q[i * s.k + l] * kk[j * s.k + l];
      top = std::max(top, d);
      lo = std::min(lo, d * scale);
      hi = std::max(hi, d * scale);
    }
    spread = std::max(spread, hi - lo);
  }
  auto T = overflow_threshold;
  c.add("q_i k_i products overflow " + fname(acc), std::sqrt(T(acc)));
  if (top > 0)
    c.add("largest q.k overflows " + fname(acc) + " (this input)", std::sqrt(T(acc) / top));
  c.add("score - max overflows " + fname(acc) + " (this input)", std::sqrt(T(acc) / spread));
  c.add("exp(score - max) of the smallest score rounds to 0 in " + fname(stage),
        std::sqrt(-std::log(underflow_threshold(stage)) / spread));
}

RangePattern pattern(Rng& r) {
  RangePattern p;
  Problem& s = p.shape;
  s.m = 8;
  s.n = 16;
  s.k = 16;
  p.draw(0, {s.m, s.k}, r, uniform_pm1);
  p.draw(1, {s.n, s.k}, r, uniform_pm1);
  p.draw(2, {s.n, s.k}, r, uniform_pm1);
  p.scaled = {true, true, false, false};
  s.lengths.assign(static_cast<size_t>(s.m), s.n);
  s.scalars = {round_value(Format::fp32, 1 / std::sqrt(static_cast<double>(s.k)))};
  p.scaled_desc =
      "Q (8 x 16) and K (16 x 16) scaled (the scores grow as s^2); V (16 x 16) fixed in "
      "[-1, 1]; every key visible; scale 1/sqrt(16)";
  return p;
}

// The accumulation study's problem: head dimension 8, 2 queries; Q is fixed per trial, K and V
// rows are prefixes of their streams (row-major n x d).
constexpr int64_t kHeadDim = 8, kQueries = 2;
Problem accumulation_problem(const AccumulationInputs& in) {
  const int64_t n = in.n;
  Problem p;
  p.m = kQueries;
  p.n = n;
  p.k = kHeadDim;
  p.a = in.tensor({kQueries, kHeadDim}, in.stream(0, kQueries * kHeadDim, false));
  p.b = in.tensor({n, kHeadDim}, in.stream(1, n * kHeadDim, false));
  p.c = in.tensor({n, kHeadDim}, in.stream(2, n * kHeadDim, false));
  p.lengths.assign(static_cast<size_t>(kQueries), n);
  p.scalars = {round_value(Format::fp32, 1 / std::sqrt(static_cast<double>(kHeadDim)))};
  return p;
}

OpInfo attention_op() {
  OpInfo o;
  o.name = "attention";
  o.summary = "out = softmax(Q K^T * scale over each row's visible keys) V; no visible key: 0";
  o.rank = 300;
  o.schema = {
      .dims = {{Dim::m, "query rows"}, {Dim::n, "keys"}, {Dim::k, "head dimension"}},
      .operands = {{.slot = 'a', .name = "Q", .shape = {Dim::m, Dim::k}, .meaning = "queries"},
                   {.slot = 'b', .name = "K", .shape = {Dim::n, Dim::k}, .meaning = "keys"},
                   {.slot = 'c', .name = "V", .shape = {Dim::n, Dim::k}, .meaning = "values"}},
      .lengths = Integers{.name = "visible",
                          .count = Dim::m,
                          .meaning = "keys j < visible[i] that query row i sees (causal and "
                                     "padding masks both)"},
      .scalars = {{.name = "scale",
                   .meaning = "the score scale, fp32(1 / sqrt(k))",
                   .fallback =
                       [](const Problem& p) {
                         return round_value(Format::fp32, 1 / std::sqrt(static_cast<double>(p.k)));
                       }}},
      .out = {Dim::m, Dim::k},
      .out_meaning = "one output row per query"};
  o.reduction_length = "n, the keys per query (the softmax and the weighted sum of V)";
  o.row_sampling = true;
  o.bound_formula =
      "running error analysis of the recipe's method (two_pass or tiled, the "
      "online rescale) (docs/error-models.md, \"attention\")";
  o.generator_notes = with_note(
      with_note(with_note(value_notes(2,
                                      "up to 32 queries and keys, head dimension up to 32, "
                                      "causal and padding masks (fully masked rows included)"),
                          "log_uniform",
                          "Q, K from the smallest subnormal up to 4; V over the whole range"),
                "near_overflow",
                "scores of 1e4..6e4 (where a finite -10000 mask sentinel unmasks)"),
      "ill_conditioned", "Q, K near a common offset: scores 1e2..1e4 that nearly coincide");
  o.generator_notes = with_note(o.generator_notes, "transformer",
                                "Q, K, V projected activations with outlier channels (2-10x) "
                                "along the head dimension");
  o.make = make_attention;
  o.judge = judge;
  o.describe = [](const Problem& p, size_t i) {
    const int64_t row = static_cast<int64_t>(i) / std::max<int64_t>(p.k, 1);
    return ElementInputs{.text = "query row " + std::to_string(row) + " (" +
                                 std::to_string(p.lengths.at(static_cast<size_t>(row))) + " of " +
                                 std::to_string(p.n) + " keys visible, scale " +
                                 std::to_string(p.scalars.at(0)) +
                                 "): " + describe_row(p.a, p.k, row)};
  };
  o.accumulation = row_accumulation("keys per query (head dimension 8, 2 queries)", "attention",
                                    accumulation_problem, 14, 1 << 9, 1 << 11);
  o.range.pattern = pattern;
  o.range.cliffs = cliffs;
  o.range.cost = 8;
  o.relations = {invariance(
      "key_permutation",
      "permuting the keys with their values leaves the output unchanged (every key visible)",
      "normal", [](Problem& p, Problem& q, const Recipe&, Rng& r) {
        std::fill(p.lengths.begin(), p.lengths.end(), p.n);
        q.lengths = p.lengths;
        std::vector<int64_t> perm(static_cast<size_t>(p.n));
        for (int64_t j = 0; j < p.n; ++j) perm[static_cast<size_t>(j)] = j;
        for (int64_t j = p.n - 1; j > 0; --j)
          std::swap(perm[static_cast<size_t>(j)], perm[static_cast<size_t>(r.integer(0, j))]);
        for (int64_t j = 0; j < p.n; ++j)
          for (int64_t d = 0; d < p.k; ++d) {
            const auto to = static_cast<size_t>(j * p.k + d);
            const auto from = static_cast<size_t>(perm[static_cast<size_t>(j)] * p.k + d);
            q.b.bits[to] = p.b.bits[from];
            q.c.bits[to] = p.c.bits[from];
          }
        return true;
      })};
  o.fuzz = {.family = "attention"};
  o.recipe_use = {.orders = {Order::sequential, Order::blocked},  // blocked: key tiles
                  .methods = {Method::direct, Method::two_pass, Method::tiled},
                  .empty_rows = true};
  return o;
}

NUMGUARD_REGISTER_OP(attention_op());

}  // namespace
}  // namespace numguard::ops
