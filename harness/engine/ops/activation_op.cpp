// The activation family's machinery (activation_op.h): a = x (m x n), b = bias (n) or empty,
// c = dy (m x n, backward ops); out m x n. Each element is judged against the exact
// f(x + bias) (dy * f'(x + bias)) with the running-error bound of the kernel's formula
// (activation_bound.cpp; docs/error-models.md, "Activations").
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "harness/core/output_sample.h"
#include "harness/engine/case_shapes.h"
#include "harness/engine/check_runner.h"
#include "harness/engine/generators.h"
#include "harness/engine/ops/activation_op.h"
#include "harness/engine/ops/op_cases.h"
#include "harness/engine/ops/row_op_common.h"
#include "harness/engine/ops/row_study.h"
#include "harness/engine/ops/transformer_values.h"

namespace numguard::ops {
namespace {

Problem make_case(const ActivationFormula& f, const KernelDesc& kd, Rng& r, std::string_view g) {
  const Format in = kd.recipe.in;
  Problem p;
  // Elementwise: no reduction length to exercise, so short rows keep the MPFR work small.
  p.m = dim_or(Dim::m, r.integer(1, 2));
  p.n = dim_or(Dim::n, row_length(g, 64, 32, r));
  // Spread 4..8: the region where the activations bend and their tails are still
  // representable; log_uniform and near_overflow reach the whole range and its top binades.
  const double spread = r.uniform(4, 8);
  p.a = fill_tensor(in, {p.m, p.n}, r,
                    g == "transformer"  // pre-activations (an FFN's up-projection) with outliers
                        ? transformer_values(TransformerRole::activations, p.n, p.n, r)
                        : values_for(g, in, spread, r));
  if (f.bias && r.coin()) p.b = fill_tensor(in, {p.n}, r, values_for(g, in, spread, r));
  if (f.backward) p.c = fill_tensor(in, {p.m, p.n}, r, values_for(g, in, 1, r));
  if (g == "special") {
    plant_specials(p.a, r);
    if (!p.b.empty() && r.coin()) plant_specials(p.b, r);
    if (f.backward && r.coin()) plant_specials(p.c, r);
  }
  return p;
}

// Half the spacing at the top of `out`'s range: values below max + this round to max.
double top_half_ulp(Format out) {
  const FormatDesc& d = desc(out);
  int e = 0;
  std::frexp(d.max_finite(), &e);
  return std::ldexp(d.unit_roundoff(), e - 1);
}

std::vector<OpElement> judge_case(const ActivationFormula& f, const Recipe& rc, const Problem& p) {
  const bool bw = f.backward;
  const FormatDesc& od = desc(rc.out);
  std::vector<OpElement> out;
  out.reserve(p.a.size());
  // The declared input range (max_abs_input, finite_inputs_only) over x, bias and dy.
  const std::string declared = declared_domain_reason(rc, {&p.a, &p.b, &p.c});
  auto keep = [&](OpElement e) {
    if (!declared.empty()) e.domain = declared;
    out.push_back(std::move(e));
  };
  const OutputSample* sample = current_output_sample();  // sampled: only those elements
  for (size_t i = 0; i < p.a.size(); ++i) {
    if (sample && !sample->wanted(i)) continue;
    const double x = p.a.value(i);
    const std::optional<double> bias =
        p.b.empty() ? std::nullopt : std::optional<double>(p.b.value(i % static_cast<size_t>(p.n)));
    const double dy = bw ? p.c.value(i) : 0;
    OpElement e;
    if (std::isnan(x) || std::isnan(bias.value_or(0)) || std::isnan(dy)) {
      e.value = std::nan("");  // every one of these functions of a NaN is NaN
      keep(e);
      continue;
    }
    if (!std::isfinite(x) || !std::isfinite(bias.value_or(0)) || !std::isfinite(dy)) {
      // The limits exist (silu(-inf) = 0, gelu'(+inf) = 1, ...), but the kernels evaluate the
      // formula as written, which gives NaN for several of them (-inf / inf, 0 * inf), as
      // PyTorch's do: infinite inputs are outside their promise, not judged.
      e.value = std::nan("");
      e.domain = "an infinite input (the kernels promise finite inputs; NaN propagates)";
      keep(e);
      continue;
    }
    e.value = mpfr_ref::activation(f.exact, bw, x, bias.value_or(0), dy);
    const Val c = activation_bound(rc, f.computed, bw, x, bias, dy);
    e.scale = std::fabs(x + bias.value_or(0));
    e.bound = rc.acc == rc.out ? c.err : cast_bound(c, rc.out, rc.out_rounding);
    e.estimate = output_estimate(c, rc.acc, rc.out, e.bound);
    if (std::isfinite(e.value) && (c.overflow || !std::isfinite(e.bound)))
      e.domain = "an intermediate may overflow fp32";
    else if (!od.has_inf() && std::fabs(c.v) + c.err >= od.max_finite() + top_half_ulp(rc.out))
      e.domain =
          fmt::format("result beyond {}'s range (no inf: the conversion gives NaN)", name(rc.out));
    keep(std::move(e));
  }
  return out;
}

std::vector<ActivationFormula>& formulas() {
  static std::vector<ActivationFormula> f;
  return f;
}

// The identity of f on a mirrored row: 64 values x uniform in [-8, 8] and their negations, no
// bias, dy = 1 (so a backward op gives f'(x) itself); on the kernel's outputs within the two
// elements' bounds (plus the double arithmetic of the check).
Relation identity_relation(const ActivationFormula& f) {
  Relation rel;
  using I = ActivationIdentity;
  rel.name = f.identity == I::odd               ? "odd_identity"
             : f.identity == I::even_derivative ? "even_derivative_identity"
                                                : "reciprocal_identity";
  rel.claim = f.identity == I::odd               ? "f(x) - f(-x) = x"
              : f.identity == I::even_derivative ? "f'(x) + f'(-x) = 1"
                                                 : "f(x) f(-x) = 1";
  rel.check = [f](const KernelDesc& k, Rng& r, int64_t* checked) {
    *checked = 0;
    const Format in = k.recipe.in;
    constexpr int64_t n = 64;
    Problem p;
    p.m = 1;
    p.n = 2 * n;
    p.a = Tensor(in, {p.m, p.n});
    for (int64_t i = 0; i < n; ++i) {
      p.a.bits[static_cast<size_t>(i)] = to_bits(in, r.uniform(-8, 8));
      p.a.bits[static_cast<size_t>(i + n)] =
          p.a.bits[static_cast<size_t>(i)] ^ desc(in).sign_mask();
    }
    if (f.backward) {
      p.c = Tensor(in, {p.m, p.n});
      for (auto& b : p.c.bits) b = to_bits(in, 1.0);
    }
    const CaseElements ce = evaluate_elements(k, p);
    constexpr double kRel = 0x1p-50;
    for (size_t i = 0; i < static_cast<size_t>(n); ++i) {
      const size_t m = i + static_cast<size_t>(n);
      if (!ce.domain[i].empty() || !ce.domain[m].empty()) continue;
      const ElementCheck &a = ce.checks[i], &b = ce.checks[m];
      if (!std::isfinite(a.output) || !std::isfinite(b.output)) continue;
      const double x = p.a.value(i);
      double gap = 0, allowed = a.bound + b.bound;
      if (f.identity == I::reciprocal) {
        gap = a.output * b.output - 1;
        allowed =
            std::fabs(a.reference) * b.bound + std::fabs(b.reference) * a.bound + a.bound * b.bound;
      } else if (f.identity == I::even_derivative) {
        gap = a.output + b.output - 1;
      } else {
        gap = a.output - b.output - x;
      }
      ++*checked;
      const double scale = std::fabs(a.reference) + std::fabs(b.reference) + std::fabs(x) + 1;
      if (std::fabs(gap) > allowed + 4 * kRel * scale)
        return fmt::format("x = {}: f(x) = {}, f(-x) = {}: off by {:.3g} (allowed {:.3g})", x,
                           a.output, b.output, gap, allowed);
    }
    return std::string();
  };
  return rel;
}

RangePattern pattern(const ActivationFormula& f, Rng& r) {
  RangePattern p;
  row_pattern(p, r, 2, kPatternRow);
  if (f.backward) p.draw(2, {p.shape.m, p.shape.n}, r, uniform_pm1);
  p.max_positive = f.positive_row_max;
  if (f.positive_row_max) positive_row_maxima(p.values[0], p.shape.m, p.shape.n);
  p.scaled_desc = f.positive_row_max
                      ? "x (2 rows of 64 in [-1, 1], each row's largest |x| positive) scaled"
                      : std::string("x (2 rows of 64 in [-1, 1]) scaled; no bias") +
                            (f.backward ? "; dy fixed in [-1, 1]" : "");
  return p;
}

}  // namespace

OpInfo activation_op(const ActivationFormula& f) {
  formulas().push_back(f);
  OpInfo op;
  op.name = f.name;
  op.summary = f.summary;
  op.rank = f.rank;
  std::vector<Operand> operands = {
      {.slot = 'a', .name = "x", .shape = {Dim::m, Dim::n}, .meaning = "the inputs"}};
  if (f.bias)
    operands.push_back({.slot = 'b',
                        .name = "bias",
                        .shape = {Dim::n},
                        .presence = Presence::optional,
                        .meaning = "added to every row first (x + bias, in fp32)"});
  if (f.backward)
    operands.push_back(
        {.slot = 'c', .name = "dy", .shape = {Dim::m, Dim::n}, .meaning = "the upstream gradient"});
  op.schema = {.dims = {{Dim::m, "rows"}, {Dim::n, "columns"}},
               .operands = std::move(operands),
               .out = {Dim::m, Dim::n},
               .out_meaning = f.backward ? "dy * f'(x + bias)" : "f(x + bias)"};
  op.bound_formula = f.bound_formula;
  op.generator_notes = {{"uniform", "x uniform with a spread of 4..8, where the activations bend"},
                        {"tile_edges", "row lengths at warp multiples +-1, 1 and primes"},
                        {"transformer", "pre-activations with outlier channels 10-1000x"}};
  op.make = [f](const KernelDesc& kd, Rng& r, std::string_view g) {
    return make_case(f, kd, r, g);
  };
  op.judge = [f](const Recipe& rc, const Problem& p) { return judge_case(f, rc, p); };
  op.describe = [](const Problem& p, size_t i) {
    const auto j = static_cast<int64_t>(i) % std::max<int64_t>(p.n, 1);
    std::string s = fmt::format("x = {} ({:#x})", p.a.value(i), p.a.bits[i]);
    if (!p.b.empty())
      s += fmt::format(", bias = {} ({:#x})", p.b.value(static_cast<size_t>(j)),
                       p.b.bits[static_cast<size_t>(j)]);
    if (!p.c.empty()) s += fmt::format(", dy = {} ({:#x})", p.c.value(i), p.c.bits[i]);
    return ElementInputs{.text = s};
  };
  op.range.pattern = [f](Rng& r) { return pattern(f, r); };
  op.range.cliffs = f.cliffs;
  if (f.identity != ActivationIdentity::none) op.relations = {identity_relation(f)};
  op.fuzz = {.family = "activation"};
  op.recipe_use.orders = {Order::sequential};  // elementwise: nothing is summed
  return op;
}

void result_overflow_cliff(const Recipe& rc, CliffList& c) {
  if (rc.out != rc.in) c.add("result overflows " + fname(rc.out), overflow_threshold(rc.out));
}

const std::vector<ActivationFormula>& activation_formulas() {
  return formulas();
}

}  // namespace numguard::ops
