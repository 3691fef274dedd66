// adam: one bias-corrected Adam step on n parameters, a = w, b = g, c = m, d = v, scalars =
// {lr, beta1, beta2, eps, step}; out = w' (n), m' (n), v' (n) in the input format. The bound
// is the running error of the kernel's formula (kernels_under_test/cpu/adam_step.h), the
// bias corrections 1 - exp(t log beta) included (docs/error-models.md, "Cross-entropy, Adam").
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "harness/engine/case_shapes.h"
#include "harness/engine/ops/op_cases.h"
#include "harness/engine/ops/row_op_common.h"
#include "harness/engine/ops/row_study.h"
#include "references/row_reference.h"

namespace numguard::ops {
namespace {

// The gradients of generator g at the case's scale (log-uniform 1e-8 .. 1e2).
ValueFn gradients(std::string_view g, Format in, double scale, Rng& r) {
  if (g == "log_uniform" || g == "near_overflow" || g == "subnormal_heavy")
    return values_for(g, in, scale, r);
  if (g == "small_integers") return [](Rng& x) { return static_cast<double>(x.integer(-4, 4)); };
  if (g == "ill_conditioned")
    // Gradients of eps's size on zero state: sqrt(vhat) and eps compete in the denominator.
    return [](Rng& x) {
      const double v = std::pow(10.0, x.uniform(-9, -6));
      return x.coin() ? -v : v;
    };
  if (g == "uniform") return [scale](Rng& x) { return x.uniform(-scale, scale); };
  if (g == "positive") return [scale](Rng& x) { return x.uniform(0, scale); };
  return [scale](Rng& x) { return scale * x.normal(); };  // normal, special, tile_edges
}

Problem make_step(const KernelDesc& kd, Rng& r, std::string_view g) {
  const Format in = kd.recipe.in;
  Problem p;
  p.m = 1;
  p.n = dim_or(Dim::n, row_length(g, 256, 32, r));
  // Kingma and Ba's defaults; lr as in common fine-tuning and pre-training settings.
  p.scalars = {fp32(r.coin() ? 1e-3 : 1e-4), fp32(0.9), fp32(0.999), fp32(1e-8),
               static_cast<double>(r.log_uniform(1, 10000))};
  const double scale = std::pow(10.0, r.uniform(-8, 2));
  const bool zero_state = g == "ill_conditioned";
  p.a = fill_tensor(in, {p.n}, r,
                    g == "small_integers"
                        ? ValueFn([](Rng& x) { return static_cast<double>(x.integer(-8, 8)); })
                        : ValueFn([](Rng& x) { return x.uniform(-1, 1); }));
  p.b = fill_tensor(in, {p.n}, r, gradients(g, in, scale, r));
  // State consistent with gradients of this scale: v an average of g^2 (so v >= 0), |m| of
  // the order of sqrt(v).
  p.c =
      fill_tensor(in, {p.n}, r, [&](Rng& x) { return zero_state ? 0 : 0.5 * scale * x.normal(); });
  p.d = fill_tensor(in, {p.n}, r, [&](Rng& x) {
    const double s = scale * x.normal();
    return zero_state ? 0 : s * s;
  });
  if (g == "special") plant_specials(p.b, r);
  // Zero gradients: on a fresh parameter (m = v = 0, where an underflowing eps gives 0/0),
  // or with momentum left (m, v kept).
  if (r.coin(0.4)) {
    const bool fresh = r.coin(0.7);
    for (size_t i = 0; i < static_cast<size_t>(p.n); ++i)
      if (r.coin(0.3)) {
        p.b.bits[i] = 0;
        if (fresh) p.c.bits[i] = p.d.bits[i] = 0;
      }
  }
  return p;
}

// w', m', v' of element i before the output cast, as the kernel computes them.
struct AdamVals {
  Val w, m, v;
};

std::vector<AdamVals> adam_bound(const Recipe& rc, const Problem& p) {
  const RunningError ar(rc.acc, rc.math_ulps);
  auto ex = [](double x) { return RunningError::exact(x); };
  const double lr = p.scalars[0], b1 = p.scalars[1], b2 = p.scalars[2], eps = p.scalars[3],
               t = p.scalars[4];
  // 1 - exp(t log beta): the cancellation makes bc2 (~1e-3 at t = 1) carry ~1e-4 relative
  // error from exp's last bits; it reaches w' through sqrt(vhat).
  const Val bc1 = ar.sub(ex(1), ar.exp(ar.mul(ex(t), ar.log(ex(b1)))));
  const Val bc2 = ar.sub(ex(1), ar.exp(ar.mul(ex(t), ar.log(ex(b2)))));
  const Val omb1 = ar.sub(ex(1), ex(b1)), omb2 = ar.sub(ex(1), ex(b2));
  std::vector<AdamVals> out(static_cast<size_t>(p.n));
  for (size_t i = 0; i < out.size(); ++i) {
    const Val w = ex(p.a.value(i)), g = ex(p.b.value(i)), m = ex(p.c.value(i)),
              v = ex(p.d.value(i));
    AdamVals& o = out[i];
    o.m = ar.add(ar.mul(ex(b1), m), ar.mul(omb1, g));
    o.v = ar.add(ar.mul(ex(b2), v), ar.mul(omb2, ar.mul(g, g)));
    const Val mhat = ar.div(o.m, bc1), vhat = ar.div(o.v, bc2);
    const Val den = ar.add(ar.sqrt(vhat), ex(eps));
    o.w = ar.sub(w, ar.div(ar.mul(ex(lr), mhat), den));
  }
  return out;
}

std::vector<OpElement> judge_step(const Recipe& rc, const Problem& p) {
  const auto n = static_cast<size_t>(p.n);
  std::vector<double> w(n), g(n), m(n), v(n);
  for (size_t i = 0; i < n; ++i) {
    w[i] = p.a.value(i);
    g[i] = p.b.value(i);
    m[i] = p.c.value(i);
    v[i] = p.d.value(i);
  }
  const mpfr_ref::AdamParams h{.lr = p.scalars[0],
                               .beta1 = p.scalars[1],
                               .beta2 = p.scalars[2],
                               .eps = p.scalars[3],
                               .step = static_cast<uint64_t>(p.scalars[4])};
  const std::vector<double> y = mpfr_ref::adam(w, g, m, v, h);
  const std::vector<AdamVals> got = adam_bound(rc, p);
  const std::string declared = declared_domain_reason(rc, {&p.a, &p.b, &p.c, &p.d});
  std::vector<OpElement> out(3 * n);
  for (size_t i = 0; i < n; ++i) {
    double scale = 0;
    for (double x : {w[i], g[i], m[i], v[i]})
      if (std::isfinite(x)) scale = std::max(scale, std::fabs(x));
    out[i] = element_from(rc, y[i], got[i].w, scale);
    out[n + i] = element_from(rc, y[n + i], got[i].m, scale);
    out[2 * n + i] = element_from(rc, y[2 * n + i], got[i].v, scale);
    for (size_t k : {i, n + i, 2 * n + i})
      if (!declared.empty()) out[k].domain = declared;
    // Adam's second moment is a running mean of squares: a negative v is no state Adam can
    // be in (its sqrt is NaN in exact arithmetic while fp32 may round g*g to inf).
    if (v[i] < 0)
      for (size_t k : {i, 2 * n + i}) out[k].domain = "v < 0 (not an Adam state)";
  }
  return out;
}

// With g = 0 and m = 0 the update is lr * 0 / (sqrt(vhat) + eps) = 0: w' is w bit for bit,
// v = 0 included (eps keeps the denominator positive); m' and v' are not NaN. An eps that
// underflows the kernel's format gives 0 / 0 here.
Relation zero_gradient() {
  Relation rel;
  rel.name = "zero_gradient";
  rel.claim = "g = 0 on m = 0 leaves w bit for bit, and m', v' are not NaN";
  rel.check = [](const KernelDesc& k, Rng& r, int64_t* checked) {
    *checked = 0;
    Problem p = make_step(k, r, r.coin() ? "uniform" : "normal");
    for (size_t i = 0; i < p.b.size(); ++i) {
      p.b.bits[i] = p.c.bits[i] = 0;
      if (r.coin()) p.d.bits[i] = 0;  // a fresh parameter: v = 0 too
    }
    Tensor out(k.recipe.out, {3 * p.n});
    k.run(p, out);
    const auto n = static_cast<size_t>(p.n);
    for (size_t i = 0; i < n; ++i) {
      if (!std::isfinite(p.a.value(i)) || !std::isfinite(p.d.value(i))) continue;
      ++*checked;
      if (out.bits[i] != p.a.bits[i] || std::isnan(out.value(n + i)) ||
          std::isnan(out.value(2 * n + i)))
        return fmt::format("parameter {}: w {} became {} (m' {}, v' {})", i, p.a.value(i),
                           out.value(i), out.value(n + i), out.value(2 * n + i));
    }
    return std::string();
  };
  return rel;
}

RangePattern pattern(Rng& r) {
  RangePattern p;
  Problem& s = p.shape;
  s.m = 1;
  s.n = kPatternRow;
  p.draw(0, {kPatternRow}, r, uniform_pm1);
  p.draw(1, {kPatternRow}, r, uniform_pm1);
  p.values[2].assign(kPatternRow, 0.0);
  p.values[3].assign(kPatternRow, 0.0);
  p.shapes[2] = p.shapes[3] = {kPatternRow};
  p.scaled = {false, true, false, false};
  s.scalars = {fp32(1e-3), fp32(0.9), fp32(0.999), fp32(1e-8), 1};
  p.scaled_desc =
      "the gradient g (64 values in [-1, 1]) scaled; w fixed in [-1, 1]; m = v = 0 (a fresh "
      "parameter), step 1, lr 1e-3, beta1 0.9, beta2 0.999, eps 1e-8";
  return p;
}

void cliffs(const Recipe& rc, const RangePattern& pat, CliffList& c) {
  const Format acc = rc.acc, out = rc.out;
  const double b2 = pat.shape.scalars.at(2);
  auto T = overflow_threshold;
  auto Z = underflow_threshold;
  c.add("g^2 overflows " + fname(acc), std::sqrt(T(acc)));
  c.add("v' = (1 - beta2) g^2 overflows " + fname(out), std::sqrt(T(out) / (1 - b2)));
  c.add("g^2 underflows " + fname(acc) + " to 0", std::sqrt(Z(acc)), "lower");
  c.add("v' = (1 - beta2) g^2 underflows " + fname(out) + " to 0", std::sqrt(Z(out) / (1 - b2)),
        "lower");
}

OpInfo adam_op() {
  OpInfo o;
  o.name = "adam";
  o.summary = "one bias-corrected Adam step: w' = w - lr mhat / (sqrt(vhat) + eps)";
  o.rank = 600;
  o.schema = {
      .dims = {{Dim::m, "1"}, {Dim::n, "parameters"}},
      .fixed = {{Dim::m, 1}},
      .operands =
          {{.slot = 'a', .name = "w", .shape = {Dim::n}, .meaning = "the weights"},
           {.slot = 'b', .name = "g", .shape = {Dim::n}, .meaning = "the gradients"},
           {.slot = 'c', .name = "m", .shape = {Dim::n}, .meaning = "the first moment"},
           {.slot = 'd', .name = "v", .shape = {Dim::n}, .meaning = "the second moment (>= 0)"}},
      .scalars = {{.name = "lr", .meaning = "learning rate"},
                  {.name = "beta1", .meaning = "first-moment decay"},
                  {.name = "beta2", .meaning = "second-moment decay"},
                  {.name = "eps", .meaning = "added to sqrt(vhat)"},
                  {.name = "step", .meaning = "the step t >= 1 of the bias corrections"}},
      .out_length = [](const Problem& p) { return 3 * p.n; },
      .out_length_text = "3 n",
      .out_meaning = "w' (n), then m' (n), then v' (n), in the input format"};
  o.bound_formula =
      "running error of the kernel's formula, the bias corrections 1 - exp(t log "
      "beta) included (docs/error-models.md, \"Cross-entropy, Adam, amax\")";
  o.generator_notes = {
      {"uniform",
       "weights in [-1, 1], gradients uniform at a scale 1e-8..1e2, state consistent "
       "with them (v an average of g^2); 40% of the cases with zero gradients"},
      {"normal", "normal gradients at a scale 1e-8..1e2"},
      {"positive", "non-negative gradients"},
      {"ill_conditioned", "gradients of eps's size on zero state: sqrt(vhat) and eps compete"},
      {"small_integers", "integer weights in [-8, 8] and gradients in [-4, 4]"},
      {"special", "+-0, +-inf and NaN planted in the gradients"},
      {"tile_edges", "parameter counts at 32-multiples +-1, 1, 2 and primes"},
      {"transformer", "weights, gradients and moments drawn as activations with outlier channels"}};
  o.make = make_step;
  o.judge = judge_step;
  o.describe = [](const Problem& p, size_t e) {
    const auto n = static_cast<size_t>(p.n);
    const size_t i = e % n;
    const char* what[] = {"w'", "m'", "v'"};
    return ElementInputs{
        .text = fmt::format("{}[{}]: w {} ({:#x}), g {} ({:#x}), m {} ({:#x}), v {} ({:#x}); "
                            "lr {}, beta1 {}, beta2 {}, eps {}, step {}",
                            what[e / n], i, p.a.value(i), p.a.bits[i], p.b.value(i), p.b.bits[i],
                            p.c.value(i), p.c.bits[i], p.d.value(i), p.d.bits[i], p.scalars[0],
                            p.scalars[1], p.scalars[2], p.scalars[3], p.scalars[4])};
  };
  o.range.pattern = pattern;
  o.range.cliffs = cliffs;
  o.relations = {zero_gradient()};
  o.fuzz = {.family = "optimizer"};
  o.recipe_use.orders = {Order::sequential};  // elementwise: nothing is summed
  return o;
}

NUMGUARD_REGISTER_OP(adam_op());

}  // namespace
}  // namespace numguard::ops
