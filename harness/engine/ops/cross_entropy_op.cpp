// cross_entropy: the mean over the m rows of a (m x n logits) of logsumexp(row) - row[target],
// targets in lengths; out is one fp32 element. The bound follows the kernel: each row's
// softmax sum as the recipe forms it (softmax_bound.h), lse = max + log(sum), the loss
// lse - x[target], a sequential fp32 sum of the losses and the division by m
// (docs/error-models.md, "Cross-entropy, Adam").
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "harness/engine/case_shapes.h"
#include "harness/engine/ops/op_cases.h"
#include "harness/engine/ops/row_op_common.h"
#include "harness/engine/ops/row_study.h"
#include "harness/engine/ops/softmax_bound.h"
#include "harness/engine/ops/transformer_values.h"
#include "harness/engine/relations.h"
#include "references/row_reference.h"

namespace numguard::ops {
namespace {

Problem make_batch(const KernelDesc& kd, Rng& r, std::string_view g) {
  const Format in = kd.recipe.in;
  Problem p;
  // Up to 64 rows (log-uniform: the MPFR cost grows with m n): batch sums of losses ~5-10
  // reach a few hundred, where a narrow batch accumulator keeps 2 fraction bits.
  p.m = dim_or(Dim::m, r.log_uniform(1, 64));
  p.n = dim_or(Dim::n, row_length(g, 256, std::max(kd.recipe.shape.lanes, 32), r));
  ValueFn v = g == "transformer" ? transformer_values(TransformerRole::logits, p.n, p.n, r)
                                 : values_for(g, in, 8, r);
  if ((g == "uniform" || g == "normal" || g == "tile_edges") && r.coin(0.3)) {
    // A large common offset: lse = max + log(sum) then carries the rounding of |max|.
    const double offset = (r.coin() ? -1 : 1) * std::ldexp(1.0, static_cast<int>(r.integer(4, 10)));
    v = [v, offset](Rng& x) { return offset + v(x); };
  }
  p.a = fill_tensor(in, {p.m, p.n}, r, v);
  if (g == "special") plant_specials(p.a, r);
  if (g == "api_corners") plant_row_corners(p.a, p.n, r);
  p.lengths.resize(static_cast<size_t>(p.m));
  for (auto& t : p.lengths) t = r.integer(0, p.n - 1);
  return p;
}

std::vector<OpElement> judge_batch(const Recipe& rc, const Problem& p) {
  const RunningError ar(rc.acc, rc.math_ulps);
  std::vector<double> all(p.a.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = p.a.value(i);
  const double y = mpfr_ref::cross_entropy(all, p.n, p.lengths);
  Val total = RunningError::exact(0);
  double scale = 0;
  for (int64_t row = 0; row < p.m; ++row) {
    const std::vector<double> x = row_values(p.a, p.n, row);
    for (double v : x)
      if (std::isfinite(v)) scale = std::max(scale, std::fabs(v));
    const SoftmaxSum s = softmax_sum_bound(rc, x);
    const Val lse = ar.add(RunningError::exact(s.max), ar.log(s.sum));
    const Val loss = ar.sub(
        lse, RunningError::exact(x[static_cast<size_t>(p.lengths[static_cast<size_t>(row)])]));
    total = ar.add(total, loss);
  }
  const Val mean = ar.div(total, RunningError::exact(static_cast<double>(p.m)));
  OpElement e = element_from(rc, y, mean, scale);
  const std::string declared = declared_domain_reason(rc, {&p.a});
  if (!declared.empty()) e.domain = declared;
  return {e};
}

void cliffs(const Recipe& rc, const RangePattern& pat, CliffList& c) {
  softmax_exp_cliffs(rc, pat, c);
  const Problem& s = pat.shape;
  double loss = 0;  // sum over rows of max - x[target]: the losses at large s, over s
  for (int64_t r = 0; r < s.m; ++r) {
    double mx = -INFINITY;
    for (int64_t j = 0; j < s.n; ++j) mx = std::max(mx, pat.values[0][r * s.n + j]);
    loss += mx - pat.values[0][r * s.n + s.lengths[static_cast<size_t>(r)]];
  }
  if (loss > 0) {
    c.add("summed loss overflows " + fname(rc.acc) + " (this input)",
          overflow_threshold(rc.acc) / loss);
    c.add("mean loss overflows " + fname(rc.out) + " (this input)",
          overflow_threshold(rc.out) * static_cast<double>(s.m) / loss);
  }
}

// Rows of the accumulation study's problem: a batch of 4 (the sum of the losses is short).
constexpr int64_t kLossRows = 4;

OpInfo cross_entropy_op() {
  OpInfo o;
  o.name = "cross_entropy";
  o.summary = "out = mean over rows i of logsumexp(x[i, :]) - x[i, target_i]";
  o.rank = 310;
  o.schema = {.dims = {{Dim::m, "rows (the batch)"}, {Dim::n, "classes"}},
              .operands = {{.slot = 'a',
                            .name = "x",
                            .shape = {Dim::m, Dim::n},
                            .meaning = "the logits, one row per example"}},
              .lengths = Integers{.name = "targets",
                                  .count = Dim::m,
                                  .below = Dim::n,
                                  .meaning = "the class of each row"},
              .out_length = [](const Problem&) { return int64_t{1}; },
              .out_length_text = "1",
              .out_meaning = "the mean loss (a batch accumulator of one element)"};
  o.reduction_length = "n, the classes per row (logsumexp over n logits)";
  o.bound_formula =
      "running error of each row's softmax sum, lse = max + log(sum), the loss "
      "and the batch mean (docs/error-models.md, \"Cross-entropy, Adam, amax\")";
  o.generator_notes =
      with_note(value_notes(8, "1 to 64 rows of up to 256 logits, targets uniform"), "uniform",
                "logits uniform in [-8, 8], a third of the cases (also normal, tile_edges) with "
                "a common offset 2^4..2^10: lse then carries the rounding of |max|");
  o.generator_notes = with_note(o.generator_notes, "transformer",
                                "logits N(0, s^2), s in 0.5..8, half the cases with a sink column");
  o.make = make_batch;
  o.judge = judge_batch;
  o.describe = [](const Problem& p, size_t) {
    std::string s = fmt::format("{} rows of {} logits; row 0 of a: {}; targets:", p.m, p.n,
                                describe_row(p.a, p.n, 0));
    for (size_t i = 0; i < p.lengths.size() && i < 16; ++i) s += fmt::format(" {}", p.lengths[i]);
    if (p.lengths.size() > 16) s += " ...";
    return ElementInputs{.text = s};
  };
  o.accumulation = row_accumulation("classes per row (logsumexp over n logits, 4 rows)",
                                    "cross_entropy", [](const AccumulationInputs& in) {
                                      Problem p;
                                      p.m = kLossRows;
                                      p.n = in.n;
                                      p.a = in.rows(0, kLossRows, in.n);
                                      // Targets below 16 (the shortest row): the same at every n.
                                      Rng r = in.fixed_rng(0x200000);
                                      p.lengths.resize(static_cast<size_t>(kLossRows));
                                      for (auto& t : p.lengths) t = r.integer(0, 15);
                                      return p;
                                    });
  o.range.pattern = [](Rng& r) {
    RangePattern p = logits_pattern(r, 4);
    p.shape.lengths.resize(static_cast<size_t>(p.shape.m));
    for (auto& t : p.shape.lengths) t = r.integer(0, p.shape.n - 1);
    p.scaled_desc =
        "logits (4 rows of 64 in [-1, 1], each row's largest |x| positive) scaled; "
        "targets fixed";
    return p;
  };
  o.range.cliffs = cliffs;
  o.relations = {invariance(
      "shift_invariance", "the loss is unchanged by an integer c added to a row's logits",
      "small_integers",
      [](Problem&, Problem& q, const Recipe&, Rng& r) { return shift_rows(q.a, q.n, 8, r); })};
  o.fuzz = {.family = "softmax"};
  o.recipe_use.methods = {Method::direct, Method::two_pass};
  return o;
}

NUMGUARD_REGISTER_OP(cross_entropy_op());

}  // namespace
}  // namespace numguard::ops
