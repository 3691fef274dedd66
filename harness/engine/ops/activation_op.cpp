// The elementwise ops: gelu (erf form), gelu_tanh, silu, their backward ops and exp.
// a = x (m x n), b = bias (n) or empty, c = dy (m x n, backward ops); out m x n. Each element is
// judged against the exact f(x + bias) (dy * f'(x + bias)) with the running-error bound of the
// kernel's formula (activation_bound.cpp; docs/error-models.md, "Activations").
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "harness/engine/ops/activation_bound.h"
#include "harness/engine/ops/op_cases.h"
#include "harness/engine/ops/row_op_common.h"
#include "references/activation_reference.h"

namespace numguard::ops {
namespace {

bool backward(std::string_view op) {
  return op.ends_with("_backward");
}

Problem make_case(const std::string& op, const KernelDesc& kd, Rng& r, std::string_view g) {
  const Format in = kd.recipe.in;
  Problem p;
  // Elementwise: no reduction length to exercise, so short rows keep the MPFR work small.
  p.m = r.integer(1, 2);
  p.n = row_length(g, 64, 32, r);
  // Spread 4..8: the region where the activations bend and their tails are still
  // representable; log_uniform and near_overflow reach the whole range and its top binades.
  const double spread = r.uniform(4, 8);
  p.a = fill_tensor(in, {p.m, p.n}, r, values_for(g, in, spread, r));
  if (op != "exp" && r.coin()) p.b = fill_tensor(in, {p.n}, r, values_for(g, in, spread, r));
  if (backward(op)) p.c = fill_tensor(in, {p.m, p.n}, r, values_for(g, in, 1, r));
  if (g == "special") {
    plant_specials(p.a, r);
    if (!p.b.empty() && r.coin()) plant_specials(p.b, r);
    if (backward(op) && r.coin()) plant_specials(p.c, r);
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

std::vector<OpElement> judge_case(const std::string& op, const Recipe& rc, const Problem& p) {
  const mpfr_ref::Activation f = *mpfr_ref::activation_of(op);
  const bool bw = backward(op);
  const FormatDesc& od = desc(rc.out);
  std::vector<OpElement> out;
  out.reserve(p.a.size());
  for (size_t i = 0; i < p.a.size(); ++i) {
    const double x = p.a.value(i);
    const std::optional<double> bias =
        p.b.empty() ? std::nullopt : std::optional<double>(p.b.value(i % static_cast<size_t>(p.n)));
    const double dy = bw ? p.c.value(i) : 0;
    OpElement e;
    if (std::isnan(x) || std::isnan(bias.value_or(0)) || std::isnan(dy)) {
      e.value = std::nan("");  // every one of these functions of a NaN is NaN
      out.push_back(e);
      continue;
    }
    if (!std::isfinite(x) || !std::isfinite(bias.value_or(0)) || !std::isfinite(dy)) {
      // The limits exist (silu(-inf) = 0, gelu'(+inf) = 1, ...), but the kernels evaluate the
      // formula as written, which gives NaN for several of them (-inf / inf, 0 * inf), as
      // PyTorch's do: infinite inputs are outside their promise, not judged.
      e.value = std::nan("");
      e.domain = "an infinite input (the kernels promise finite inputs; NaN propagates)";
      out.push_back(e);
      continue;
    }
    e.value = mpfr_ref::activation(f, x, bias.value_or(0), dy);
    const Val c = activation_bound(rc, op, x, bias, dy);
    e.scale = std::fabs(x + bias.value_or(0));
    e.bound = rc.acc == rc.out ? c.err : rne_cast_bound(c, rc.out);
    e.estimate = output_estimate(c, rc.acc, rc.out, e.bound);
    if (std::isfinite(e.value) && (c.overflow || !std::isfinite(e.bound)))
      e.domain = "an intermediate may overflow fp32";
    else if (!od.has_inf() && std::fabs(c.v) + c.err >= od.max_finite() + top_half_ulp(rc.out))
      e.domain =
          fmt::format("result beyond {}'s range (no inf: the conversion gives NaN)", name(rc.out));
    out.push_back(std::move(e));
  }
  return out;
}

OpInfo make_op(std::string name) {
  OpInfo op;
  op.name = name;
  op.operands = name == "exp"    ? "a: x (m x n); out: exp(x), m x n"
                : backward(name) ? "a: x (m x n), b: bias (n) or empty, c: dy (m x n); "
                                   "out: dy * f'(x + bias), m x n"
                                 : "a: x (m x n), b: bias (n) or empty; out: "
                                   "f(x + bias), m x n";
  op.make = [name](const KernelDesc& kd, Rng& r, std::string_view g) {
    return make_case(name, kd, r, g);
  };
  op.out_shape = [](const Problem& p) { return std::vector<int64_t>{p.m, p.n}; };
  op.judge = [name](const Recipe& rc, const Problem& p) { return judge_case(name, rc, p); };
  op.describe = [](const Problem& p, size_t i) {
    const auto j = static_cast<int64_t>(i) % std::max<int64_t>(p.n, 1);
    std::string s = fmt::format("x = {} ({:#x})", p.a.value(i), p.a.bits[i]);
    if (!p.b.empty())
      s += fmt::format(", bias = {} ({:#x})", p.b.value(static_cast<size_t>(j)),
                       p.b.bits[static_cast<size_t>(j)]);
    if (!p.c.empty()) s += fmt::format(", dy = {} ({:#x})", p.c.value(i), p.c.bits[i]);
    return s;
  };
  return op;
}

}  // namespace

#define NG_ACTIVATION_OP(fn, text)          \
  const OpInfo& fn() {                      \
    static const OpInfo op = make_op(text); \
    return op;                              \
  }
NG_ACTIVATION_OP(gelu_op, "gelu")
NG_ACTIVATION_OP(gelu_tanh_op, "gelu_tanh")
NG_ACTIVATION_OP(silu_op, "silu")
NG_ACTIVATION_OP(gelu_backward_op, "gelu_backward")
NG_ACTIVATION_OP(gelu_tanh_backward_op, "gelu_tanh_backward")
NG_ACTIVATION_OP(silu_backward_op, "silu_backward")
NG_ACTIVATION_OP(exp_op, "exp")
#undef NG_ACTIVATION_OP

}  // namespace numguard::ops
