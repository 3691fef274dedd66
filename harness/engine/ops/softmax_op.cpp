// softmax and log_softmax over the rows of a (m x n); out is m x n. The bound follows the
// recipe's method (two_pass, online, no_max) and order operation by operation
// (running_error.h; docs/error-models.md, "softmax").
#include <algorithm>
#include <cmath>
#include <limits>

#include "harness/core/reduce_order.h"
#include "harness/engine/case_shapes.h"
#include "harness/engine/ops/op_cases.h"
#include "harness/engine/ops/row_op_common.h"
#include "harness/engine/ops/row_study.h"
#include "harness/engine/ops/softmax_bound.h"
#include "harness/engine/ops/transformer_values.h"
#include "harness/engine/relations.h"
#include "references/dd_softmax.h"

namespace numguard::ops {
namespace {

Problem make_rows(const KernelDesc& kd, Rng& r, std::string_view g) {
  const Format in = kd.recipe.in;
  Problem p;
  p.m = dim_or(Dim::m, r.integer(1, 4));
  p.n = dim_or(Dim::n, row_length(g, 256, std::max(kd.recipe.shape.lanes, 32), r));
  // Logits: spread 8 (softmax's interesting region), the whole range for log_uniform and
  // near_overflow, a large offset for ill_conditioned.
  const ValueFn v = g == "transformer"
                        ? transformer_values(TransformerRole::logits, p.n, p.n, r)  // with sinks
                        : values_for(g, in, 8, r);
  p.a = fill_tensor(in, {p.m, p.n}, r, v);
  if (g == "special") plant_specials(p.a, r);
  if (g == "api_corners") plant_row_corners(p.a, p.n, r);
  return p;
}

std::vector<OpElement> judge_rows(const Recipe& rc, const Problem& p, bool log) {
  std::vector<OpElement> out;
  out.reserve(p.a.size());
  const std::string declared = declared_domain_reason(rc, {&p.a});
  const RowSample sample(p.m, p.n);  // sampled verification: only the sampled rows
  for (int64_t row = 0; row < p.m; ++row) {
    if (!sample.row(row)) continue;
    const std::vector<double> x = row_values(p.a, p.n, row);
    const std::vector<double> y = dd_ref::softmax(x, log);  // MPFR where it cannot decide
    const std::vector<Val> got = softmax_row_bound(rc, x, log);
    double scale = 0;
    bool pos_inf = false, empty = !x.empty();
    for (double v : x) {
      if (std::isfinite(v)) scale = std::max(scale, std::fabs(v));
      pos_inf = pos_inf || v == std::numeric_limits<double>::infinity();
      empty = empty && v == -std::numeric_limits<double>::infinity();
    }
    for (int64_t j = 0; j < p.n; ++j) {
      if (!sample.element(row, j)) continue;
      OpElement e = element_from(rc, y[j], got[j], scale);
      // A row of only -inf: 0 / 0 (PyTorch's NaN) unless the kernel declares zeros; judged
      // either way (the analysis above has no value for it).
      if (empty && !log)
        e = rc.empty_rows == EmptyRows::zero
                ? OpElement{}
                : OpElement{.value = std::numeric_limits<double>::quiet_NaN()};
      if (!declared.empty()) e.domain = declared;
      // exp(inf - inf): two-pass kernels give a NaN row, online ones NaN and zeros; softmax
      // has no value there, and no kernel promises one.
      if (pos_inf) e.domain = "a +inf logit (softmax undefined)";
      out.push_back(std::move(e));
    }
  }
  return out;
}

void cliffs(bool log, const Recipe& rc, const RangePattern& pat, CliffList& c) {
  softmax_exp_cliffs(rc, pat, c);
  const Format acc = rc.acc, out = rc.out;
  const Problem& s = pat.shape;
  const RowStats st = row_stats(pat.values[0], s.m, s.n, false);
  if (!log) {
    c.add("smallest probability underflows " + fname(out) + " to 0",
          -std::log(underflow_threshold(out)) / st.max_range);
    return;
  }
  c.add("log-probability x - max overflows " + fname(out), overflow_threshold(out) / st.max_range);
  // A row's top log-probability is -log(1 + eps), eps ~ exp(s (x2 - max)) for its second
  // largest x2: once eps <= u of acc, 1 + eps rounds to 1 and it is computed as 0. The row
  // with the widest gap gets there first.
  double gap = 0;
  for (int64_t r = 0; r < s.m; ++r) {
    std::vector<double> row(pat.values[0].begin() + r * s.n, pat.values[0].begin() + (r + 1) * s.n);
    std::sort(row.rbegin(), row.rend());
    if (row.size() > 1) gap = std::max(gap, row[0] - row[1]);
  }
  c.add("1 + exp(x2 - max) rounds to 1 in " + fname(acc) + " (top log-probability 0)",
        -std::log(desc(acc).unit_roundoff()) / gap);
}

OpInfo make_op(std::string name, bool log) {
  OpInfo op;
  op.name = std::move(name);
  op.summary = log ? "out[i, j] = x[i, j] - log sum_l exp(x[i, l]): log_softmax of each row"
                   : "out[i, j] = exp(x[i, j]) / sum_l exp(x[i, l]): softmax of each row";
  op.rank = log ? 110 : 100;
  op.schema = {.dims = {{Dim::m, "rows"}, {Dim::n, "row length"}},
               .operands = {{.slot = 'a',
                             .name = "x",
                             .shape = {Dim::m, Dim::n},
                             .meaning = "the logits, one row per softmax"}},
               .out = {Dim::m, Dim::n},
               .out_meaning = log ? "the log-probabilities" : "the probabilities"};
  op.reduction_length = "n, the row length (the denominator sums n exponentials)";
  op.row_sampling = true;
  op.bound_formula =
      "running error analysis of the recipe's method (two_pass, online, no_max) "
      "(docs/error-models.md, \"softmax and log_softmax\")";
  op.generator_notes = {
      {"near_overflow", "logits in the top binades of the input format"},
      {"ill_conditioned",
       "a large common offset with a small spread: exp without the max "
       "subtraction overflows"},
      {"tile_edges", "row lengths at the recipe's lane multiples +-1, 1 and primes"},
      {"transformer",
       "attention logits N(0, s^2), s in 0.5..8, half the cases with a sink column"}};
  op.make = make_rows;
  op.judge = [log](const Recipe& rc, const Problem& p) { return judge_rows(rc, p, log); };
  op.describe = [](const Problem& p, size_t i) {
    const int64_t row = static_cast<int64_t>(i) / std::max<int64_t>(p.n, 1);
    return ElementInputs{.text = "row " + std::to_string(row) +
                                 " of a: " + describe_row(p.a, p.n, row)};
  };
  op.accumulation = row_accumulation(log ? "row length (the log-sum-exp sums n exponentials)"
                                         : "row length (the denominator sums n exponentials)",
                                     op.name, [](const AccumulationInputs& in) {
                                       Problem p;
                                       p.m = 1;
                                       p.n = in.n;
                                       p.a = in.rows(0, 1, in.n);
                                       return p;
                                     });
  op.range.pattern = [](Rng& r) {
    RangePattern p = logits_pattern(r, 2);
    p.scaled_desc = "x (2 rows of 64 in [-1, 1], each row's largest |x| positive) scaled";
    return p;
  };
  op.range.cliffs = [log](const Recipe& rc, const RangePattern& pat, CliffList& c) {
    cliffs(log, rc, pat, c);
  };
  op.relations = {invariance(
      "shift_invariance",
      log ? "log_softmax(x + c) = log_softmax(x) for an integer c per row (integer rows: exact)"
          : "softmax(x + c) = softmax(x) for an integer c per row (integer rows: exact)",
      "small_integers",
      [](Problem&, Problem& q, const Recipe&, Rng& r) { return shift_rows(q.a, q.n, 8, r); })};
  op.fuzz = {.family = "softmax"};
  // direct is the two-pass formula as written.
  op.recipe_use.methods = {Method::direct, Method::two_pass, Method::online, Method::no_max};
  op.recipe_use.empty_rows = !log;
  op.recipe_use.stage = true;
  return op;
}

NUMGUARD_REGISTER_OP(make_op("softmax", false));
NUMGUARD_REGISTER_OP(make_op("log_softmax", true));

}  // namespace
}  // namespace numguard::ops
