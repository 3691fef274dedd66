// layernorm, rmsnorm and their backward passes over the rows of a (m x n): b = gamma (n),
// c = beta (n, layernorm) or dy (m x n, backward), scalars = {eps}. The bound follows the
// recipe's method (two_pass, welford; rmsnorm's mean square) and order operation by
// operation (norm_bound.h; docs/error-models.md, "Norms").
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "harness/engine/case_shapes.h"
#include "harness/engine/generators.h"
#include "harness/engine/ops/norm_bound.h"
#include "harness/engine/ops/op_cases.h"
#include "harness/engine/ops/row_op_common.h"
#include "harness/engine/ops/row_study.h"
#include "harness/engine/ops/transformer_values.h"
#include "harness/engine/relations.h"
#include "references/norm_reference.h"

namespace numguard::ops {
namespace {

enum class Kind : uint8_t { layernorm, rmsnorm };

// x for generator g. ill_conditioned: a large common offset 2^k and a spread of 2^-t of it,
// t from half the input's precision to a few bits short of it (the spread stays a few ulps
// of the input, and E[x^2] - E[x]^2 loses up to 2t bits), and a quarter of the rows
// constant (variance 0: only eps keeps rstd finite). near_overflow: magnitudes whose squares
// overflow fp16 (|x| in 256..65504) for fp16 inputs, and whose sum of squares nears fp32's
// range for bf16 and fp32 inputs (2^48..2^60; the top of it overflows: a domain limit).
Tensor make_x(Format in, int64_t m, int64_t n, Rng& r, std::string_view g) {
  const FormatDesc& d = desc(in);
  if (g == "ill_conditioned") {
    Tensor t(in, {m, n});
    for (int64_t row = 0; row < m; ++row) {
      const double offset =
          (r.coin() ? -1 : 1) *
          std::ldexp(r.uniform(1, 2), static_cast<int>(r.integer(3, std::min(d.emax() - 2, 14))));
      const int t_lo = d.precision / 2, t_hi = std::min(d.precision - 3, 14);
      const double spread =
          std::ldexp(std::fabs(offset), -static_cast<int>(r.integer(t_lo, std::max(t_lo, t_hi))));
      const bool constant = r.coin(0.25);
      for (int64_t j = 0; j < n; ++j)
        t.bits[static_cast<size_t>(row * n + j)] =
            to_bits(in, constant ? offset : offset + spread * r.normal());
    }
    return t;
  }
  if (g == "near_overflow") {
    const int lo = in == Format::fp16 ? 8 : 48, hi = in == Format::fp16 ? d.emax() : 60;
    return fill_tensor(in, {m, n}, r, [lo, hi](Rng& x) {
      const double v = std::ldexp(x.uniform(1, 2), static_cast<int>(x.integer(lo, hi)));
      return x.coin() ? -v : v;
    });
  }
  // transformer: the residual stream a norm reads, outlier channels and massive activations.
  Tensor t =
      fill_tensor(in, {m, n}, r,
                  g == "transformer" ? transformer_values(TransformerRole::activations, n, n, r)
                                     : values_for(g, in, 2, r));
  if (g == "special") plant_specials(t, r);
  if (g == "api_corners") plant_row_corners(t, n, r);
  return t;
}

Problem make_case(Kind kind, bool backward, const KernelDesc& kd, Rng& r, std::string_view g) {
  const Format in = kd.recipe.in;
  Problem p;
  p.m = dim_or(Dim::m, r.integer(1, 4));
  p.n = dim_or(Dim::n, row_length(g, 256, std::max(kd.recipe.shape.lanes, 32), r));
  p.a = make_x(in, p.m, p.n, r, g);
  // gamma around 1, sometimes negative; beta small; dy of order 1.
  p.b = fill_tensor(in, {p.n}, r, [](Rng& x) {
    const double v = x.uniform(0.5, 1.5);
    return x.coin(0.2) ? -v : v;
  });
  if (backward)
    p.c = fill_tensor(in, {p.m, p.n}, r,
                      g == "normal" ? ValueFn([](Rng& x) { return x.normal(); })
                                    : ValueFn([](Rng& x) { return x.uniform(-1, 1); }));
  else if (kind == Kind::layernorm)
    // beta = 0 for subnormal_heavy: a beta of 0.1 would swallow the tiny (x - mean) r gamma.
    p.c = fill_tensor(in, {p.n}, r,
                      [g](Rng& x) { return g == "subnormal_heavy" ? 0.0 : x.uniform(-0.1, 0.1); });
  const double eps[] = {1e-5, 1e-6, 1e-12};
  p.scalars = {fp32(eps[r.integer(0, 2)])};
  return p;
}

double max_finite_abs(const std::vector<double>& v) {
  double s = 0;
  for (double x : v)
    if (std::isfinite(x)) s = std::max(s, std::fabs(x));
  return s;
}

std::vector<OpElement> judge_forward(Kind kind, const Recipe& rc, const Problem& p) {
  const bool rms = kind == Kind::rmsnorm;
  std::vector<OpElement> out;
  out.reserve(p.a.size());
  const std::string declared =
      declared_domain_reason(rc, rms ? std::vector{&p.a, &p.b} : std::vector{&p.a, &p.b, &p.c});
  const std::vector<double> gamma = row_values(p.b, p.n, 0);
  const std::vector<double> beta = rms ? std::vector<double>() : row_values(p.c, p.n, 0);
  const double eps = p.scalars.at(0);
  const RowSample sample(p.m, p.n);  // sampled verification: only the sampled rows
  for (int64_t row = 0; row < p.m; ++row) {
    if (!sample.row(row)) continue;
    const std::vector<double> x = row_values(p.a, p.n, row);
    const std::vector<double> y = mpfr_ref::norm_forward(x, gamma, beta, eps, rms);
    const std::vector<Val> got = norm_forward_bound(rc, x, gamma, beta, eps, rms);
    const double scale = max_finite_abs(x);
    for (int64_t j = 0; j < p.n; ++j) {
      if (!sample.element(row, j)) continue;
      OpElement e = element_from(rc, y[j], got[j], scale);
      if (!declared.empty()) e.domain = declared;
      out.push_back(std::move(e));
    }
  }
  return out;
}

std::vector<OpElement> judge_backward(Kind kind, const Recipe& rc, const Problem& p) {
  const bool rms = kind == Kind::rmsnorm;
  const auto n = static_cast<size_t>(p.n);
  const std::string declared = declared_domain_reason(rc, {&p.a, &p.b, &p.c});
  const std::vector<double> gamma = row_values(p.b, p.n, 0);
  const double eps = p.scalars.at(0);
  std::vector<double> x_all, dy_all;
  for (size_t i = 0; i < p.a.size(); ++i) {
    x_all.push_back(p.a.value(i));
    dy_all.push_back(p.c.value(i));
  }
  const std::vector<double> ref = mpfr_ref::norm_backward(p.m, p.n, x_all, gamma, dy_all, eps, rms);
  const RunningError ar(rc.acc, rc.math_ulps);
  std::vector<OpElement> out;
  out.reserve(ref.size());
  // dgamma_j and dbeta_j: sequential over the rows, from 0, as the kernels add them.
  std::vector<Val> dgamma(n, RunningError::exact(0)), dbeta(n, RunningError::exact(0));
  double dy_scale = 0;
  for (int64_t row = 0; row < p.m; ++row) {
    const std::vector<double> x = row_values(p.a, p.n, row);
    const std::vector<double> dy = row_values(p.c, p.n, row);
    const NormBackwardRow b = norm_backward_row_bound(rc, x, gamma, dy, eps, rms);
    const double scale = max_finite_abs(x);
    dy_scale = std::max(dy_scale, max_finite_abs(dy));
    for (size_t j = 0; j < n; ++j) {
      out.push_back(element_from(rc, ref[static_cast<size_t>(row) * n + j], b.dx[j], scale));
      dgamma[j] = ar.add(dgamma[j], ar.mul(RunningError::exact(dy[j]), b.xhat[j]));
      dbeta[j] = ar.add(dbeta[j], RunningError::exact(dy[j]));
    }
  }
  const size_t base = static_cast<size_t>(p.m) * n;
  for (size_t j = 0; j < n; ++j)
    out.push_back(element_from(rc, ref[base + j], dgamma[j], dy_scale));
  if (!rms)
    for (size_t j = 0; j < n; ++j)
      out.push_back(element_from(rc, ref[base + n + j], dbeta[j], dy_scale));
  if (!declared.empty())
    for (OpElement& e : out) e.domain = declared;
  return out;
}

RangePattern pattern(Kind kind, bool backward, Rng& r) {
  RangePattern p;
  row_pattern(p, r, 2, kPatternRow);
  Problem& s = p.shape;
  const bool ln = kind == Kind::layernorm;
  p.draw(1, {kPatternRow}, r, [](Rng& g) { return g.uniform(0.5, 1.5); });
  if (backward) {
    p.draw(2, {s.m, s.n}, r, uniform_pm1);
  } else if (ln) {
    p.values[2].assign(kPatternRow, 0.0);
    p.shapes[2] = {kPatternRow};
  }
  s.scalars = {round_value(Format::fp32, 1e-5)};
  p.scaled_desc = std::string("x (2 rows of 64 in [-1, 1]) scaled; gamma fixed in [0.5, 1.5]") +
                  (backward ? "; dy fixed in [-1, 1]"
                   : ln     ? "; beta = 0 (so the normalized part is not masked by beta)"
                            : "") +
                  "; eps = 1e-5";
  return p;
}

void cliffs(Kind kind, const Recipe& rc, const RangePattern& pat, CliffList& c) {
  const Format acc = rc.acc, out = rc.out;
  const Problem& s = pat.shape;
  const bool centered = kind == Kind::layernorm;
  const RowStats st = row_stats(pat.values[0], s.m, s.n, centered);
  const double eps = s.scalars.at(0), n = static_cast<double>(s.n);
  auto T = overflow_threshold;
  auto Z = underflow_threshold;
  c.add("x^2 overflows " + fname(acc), std::sqrt(T(acc)));
  c.add(std::string(centered ? "sum of squared deviations" : "sum of squares") + " overflows " +
            fname(acc) + " (this input)",
        std::sqrt(T(acc) / st.max_sumsq));
  if (centered) c.add("row sum overflows " + fname(acc), T(acc) / st.max_sumabs);
  // Below this scale eps dominates the variance: the output shrinks with x.
  c.add("variance equals eps (smaller x: the output scales with x)",
        std::sqrt(eps * n / st.max_sumsq), "lower");
  c.add("x^2 underflows " + fname(acc) + " to 0", std::sqrt(Z(acc)), "lower");
  c.add("normalized output x / sqrt(eps) underflows " + fname(out) + " to 0",
        Z(out) * std::sqrt(eps) / (st.max_abs * 1.5), "lower");
}

// The accumulation study's row: gamma = 1 (and beta = 0), so the forward output is the
// normalized row itself and its error is the statistics' (plus the final rounding); the
// backward passes take an upstream gradient dy from the next stream.
Problem accumulation_row(Kind kind, bool backward, const AccumulationInputs& in) {
  Problem p;
  p.m = 1;
  p.n = in.n;
  p.a = in.rows(0, 1, in.n);
  p.b = in.constant({in.n}, 1.0);
  if (backward)
    p.c = in.rows(1, 1, in.n);
  else if (kind == Kind::layernorm)
    p.c = in.constant({in.n}, 0.0);
  p.scalars = {round_value(Format::fp32, 1e-5)};
  return p;
}

OpInfo make_op(std::string name, Kind kind, bool backward, int rank) {
  OpInfo op;
  op.name = std::move(name);
  op.rank = rank;
  const bool rms = kind == Kind::rmsnorm;
  op.summary = !backward ? (rms ? "out = x / sqrt(mean(x^2) + eps) * gamma, per row"
                                : "out = (x - mean) / sqrt(var + eps) * gamma + beta, per row")
                         : (rms ? "dx, dgamma of rmsnorm for the upstream gradient dy"
                                : "dx, dgamma, dbeta of layernorm for the upstream gradient dy");
  std::vector<Operand> operands = {
      {.slot = 'a', .name = "x", .shape = {Dim::m, Dim::n}, .meaning = "the rows normalized"},
      {.slot = 'b',
       .name = "gamma",
       .shape = {Dim::n},
       .meaning = "the per-column scale",
       .fill = 1.0}};
  if (backward)
    operands.push_back(
        {.slot = 'c', .name = "dy", .shape = {Dim::m, Dim::n}, .meaning = "the upstream gradient"});
  else if (!rms)
    operands.push_back({.slot = 'c',
                        .name = "beta",
                        .shape = {Dim::n},
                        .meaning = "the per-column shift",
                        .fill = 0.0});
  op.schema = {
      .dims = {{Dim::m, "rows"}, {Dim::n, "row length (features)"}},
      .operands = std::move(operands),
      .scalars = {{.name = "eps",
                   .meaning = "added to the variance (fp32)",
                   // torch.nn.LayerNorm's default eps
                   .fallback = [](const Problem&) { return round_value(Format::fp32, 1e-5); }}}};
  if (!backward) {
    op.schema.out = {Dim::m, Dim::n};
    op.schema.out_meaning = "the normalized rows";
  } else {
    op.schema.out_length = [rms](const Problem& p) { return p.m * p.n + (rms ? 1 : 2) * p.n; };
    op.schema.out_length_text = rms ? "m n + n" : "m n + 2 n";
    op.schema.out_meaning =
        rms ? "dx (m x n), then dgamma (n)" : "dx (m x n), dgamma (n), dbeta (n)";
  }
  op.reduction_length = "n, the row length (the row statistics sum n values)";
  op.row_sampling = !backward;  // backward: dgamma and dbeta read every row
  op.bound_formula =
      "running error analysis of the recipe's method (two_pass, welford; the mean "
      "square for rmsnorm) (docs/error-models.md, \"Norms\")";
  op.generator_notes = {{"ill_conditioned",
                         "rows with a large common offset and a small spread (E[x^2] - E[x]^2 "
                         "cancels); a quarter of the rows constant (variance 0)"},
                        {"near_overflow",
                         "magnitudes whose squares overflow fp16, or whose sum of squares nears "
                         "fp32's range"},
                        {"transformer",
                         "the residual stream a norm reads: outlier channels 10-1000x and "
                         "sometimes a massive activation on the first row"}};
  op.make = [kind, backward](const KernelDesc& kd, Rng& r, std::string_view g) {
    return make_case(kind, backward, kd, r, g);
  };
  op.judge = [kind, backward](const Recipe& rc, const Problem& p) {
    return backward ? judge_backward(kind, rc, p) : judge_forward(kind, rc, p);
  };
  op.describe = [backward, rms](const Problem& p, size_t i) {
    const auto mn = static_cast<size_t>(p.m * p.n);
    const int64_t nn = std::max<int64_t>(p.n, 1);
    if (i < mn || !backward) {
      const int64_t row = static_cast<int64_t>(i) / nn;
      std::string s = "row " + std::to_string(row) + " of a: " + describe_row(p.a, p.n, row);
      if (backward) s += "; of dy: " + describe_row(p.c, p.n, row);
      return ElementInputs{.text = s};
    }
    const size_t j = (i - mn) % static_cast<size_t>(nn);
    const bool beta = !rms && i - mn >= static_cast<size_t>(nn);
    return ElementInputs{.text = fmt::format("{} of column {}: sum over the {} rows of a and dy",
                                             beta ? "dbeta" : "dgamma", j, p.m)};
  };
  const char* meaning[2][2] = {
      {"row length (mean and variance over n values)",
       "row length (dx's two row sums over n values)"},
      {"row length (mean square over n values)", "row length (dx's row sum over n values)"}};
  op.accumulation = row_accumulation(meaning[rms][backward], op.name,
                                     [kind, backward](const AccumulationInputs& in) {
                                       return accumulation_row(kind, backward, in);
                                     });
  op.range.pattern = [kind, backward](Rng& r) { return pattern(kind, backward, r); };
  op.range.cliffs = [kind](const Recipe& rc, const RangePattern& pat, CliffList& c) {
    cliffs(kind, rc, pat, c);
  };
  if (kind == Kind::layernorm)
    op.relations = {invariance(
        "shift_invariance",
        backward ? "dx, dgamma, dbeta are unchanged by an integer c added to a row of x"
                 : "layernorm(x + c) = layernorm(x) for an integer c per row (integer rows: exact)",
        "small_integers",
        [](Problem&, Problem& q, const Recipe&, Rng& r) { return shift_rows(q.a, q.n, 8, r); })};
  else if (!backward)
    op.relations = {invariance("scale_invariance",
                               "rmsnorm(2^e x; eps 4^e) = rmsnorm(x; eps) for e in -4..4", "normal",
                               [](Problem&, Problem& q, const Recipe&, Rng& r) {
                                 const int e = static_cast<int>(r.integer(-4, 4));
                                 for (auto& b : q.a.bits) {
                                   const double v = std::ldexp(decode(q.a.format, b), e);
                                   b = to_bits(q.a.format, v);
                                   if (decode(q.a.format, b) != v)
                                     return false;  // the scaling must be exact
                                 }
                                 const double eps = std::ldexp(q.scalars.at(0), 2 * e);
                                 q.scalars[0] = eps;
                                 return fp32(eps) == eps;
                               })};
  op.fuzz = {.family = "norm"};
  op.recipe_use.methods = rms ? std::vector{Method::direct}
                              : std::vector{Method::direct, Method::two_pass, Method::welford};
  return op;
}

NUMGUARD_REGISTER_OP(make_op("layernorm", Kind::layernorm, false, 200));
NUMGUARD_REGISTER_OP(make_op("layernorm_backward", Kind::layernorm, true, 210));
NUMGUARD_REGISTER_OP(make_op("rmsnorm", Kind::rmsnorm, false, 220));
NUMGUARD_REGISTER_OP(make_op("rmsnorm_backward", Kind::rmsnorm, true, 230));

}  // namespace
}  // namespace numguard::ops
