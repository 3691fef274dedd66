// softplus: out = log(1 + exp(t)), t = x + bias, an activation (activation_op.h). The kernels
// compute it as kernels_under_test/cpu/softplus_math.h does (PyTorch's formula: t above 20
// returned as is, else Goldberg's log1p of exp(t)); the bound below follows that formula.
#include <cmath>

#include "harness/engine/ops/activation_op.h"
#include "harness/engine/ops/row_study.h"
#include "references/softplus_reference.h"

namespace numguard::ops {
namespace {

constexpr double kThreshold = 20;  // the kernels' t > 20 ? t : log1p(exp(t))

// The kernel's log1p(u), u >= 0 within u.err: Goldberg's u * (log(v) / (v - 1)), v = fl(1 + u).
// w log(w) / (w - 1) changes by at most its argument's relative change times 1 (w >= 1), so
// the rounding of 1 + u costs one u of acc; the log's m ulps 2 m u; v - 1 (exact below 2^24),
// the quotient and the product one u each: (2 m + 4) u relative, taken as (2 m + 6) u for the
// second-order terms. Where v rounds to 1 the kernel returns u, within u^2 / 2 < u u_acc. The
// error of u itself propagates through log1p' = 1 / (1 + u).
Val log1p_of(const RunningError& ar, const Val& u) {
  const double z = std::log1p(u.v);
  const double propagated = u.err / (1 + std::max(0.0, u.v - u.err));
  const double own = (2 * ar.math_ulps() + 6) * ar.u() * (z + propagated);
  return {z, propagated + own + RunningError::kDrift * z, u.var, u.overflow, u.indeterminate};
}

double softplus_double(double t) {
  return t > 0 ? t + std::log1p(std::exp(-t)) : std::log1p(std::exp(t));
}

Val softplus_computed(const RunningError& ar, const Val& t) {
  const double lo = t.v - t.err, hi = t.v + t.err;
  // Above the threshold the kernel returns its t: within t.err + log1p(e^-t) of the exact.
  const Val above = saturated(softplus_double(t.v), t.err + std::exp(-lo));
  if (lo > kThreshold) return above;
  Val below = log1p_of(ar, exp_of(ar, t));
  below.v = softplus_double(t.v);
  if (hi > kThreshold) below.err = std::max(below.err, above.err);  // either branch
  return below;
}

// exp(x) of the most negative input below acc's smallest subnormal: the kernel's e is 0 and
// so is its softplus (the exact value e^x is far below every output's spacing by then).
void softplus_cliffs(const Recipe& rc, const RangePattern& pat, CliffList& c) {
  const double neg = most_negative(pat.values[0]);
  c.add("exp(x) of the most negative input rounds to 0 in " + fname(rc.acc),
        -std::log(underflow_threshold(rc.acc)) / neg);
  c.add("softplus of the most negative input underflows " + fname(rc.out) + " to 0",
        -std::log(underflow_threshold(rc.out)) / neg);
  result_overflow_cliff(rc, c);
}

NUMGUARD_REGISTER_OP(activation_op(
    {.name = "softplus",
     .summary = "out = log(1 + exp(t)), t = x + bias (PyTorch's: t above 20 returned as is)",
     .rank = 570,
     .exact = mpfr_ref::softplus_exact,
     .computed = softplus_computed,
     .bound_formula =
         "running error analysis of the kernel's formula: exp, Goldberg's log1p "
         "within (2 m + 6) u, the threshold's e^-20 (harness/engine/ops/softplus_op.cpp)",
     .identity = ActivationIdentity::odd,  // log(1 + e^t) - log(1 + e^-t) = t
     .cliffs = softplus_cliffs}));

}  // namespace
}  // namespace numguard::ops
