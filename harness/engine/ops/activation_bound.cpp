#include "harness/engine/ops/activation_bound.h"

#include <algorithm>
#include <cmath>

namespace numguard::ops {

using RE = RunningError;

// Plus the double rounding of the value itself.
Val formula_constant(double exact, double literal) {
  return {exact, std::fabs(static_cast<double>(static_cast<float>(literal)) - exact) +
                     RE::kDrift * std::fabs(exact)};
}

// Plus 2^-1000: the double arithmetic of the bound itself may underflow, far below every
// format's spacing.
Val saturated(double exact, double err) {
  return {exact, err + RE::kDrift * std::fabs(exact) + 0x1p-1000, 0, false};
}

// The rule's e^x expm1(err) would be 0 * inf there: beyond -200 the kernel returns exactly 0
// (its cut is -104) and the exact e^w is below e^(w + err).
Val exp_of(const RunningError& ar, const Val& w) {
  if (w.v + w.err < -200) return saturated(std::exp(w.v), std::exp(w.v + w.err));
  return ar.exp(w);
}

namespace {

const Val kInvSqrt2 = formula_constant(0.70710678118654752440, 0.70710678118654752);
const Val kSqrt2OverPi = formula_constant(0.79788456080286535588, 0.79788456080286536);
const Val kCubic = formula_constant(0.044715, 0.044715);
const Val kCubic3 = formula_constant(0.134145, 0.134145);
const Val kInvSqrt2Pi = formula_constant(0.39894228040143267794, 0.39894228040143268);
const Val kOne = RE::exact(1);

// exp(w) at or above 88.8 is inf in fp32math (e^88.8 exceeds fp32's largest finite by 8%, far
// beyond exp's few ulps): the kernel's value is certainly +inf. From 88 (e^88 < fp32's max)
// to 88.8 it is inf or at least e^w (1 - 1e-6): the window where a quotient by 1 + exp(w) is
// tiny either way.
constexpr double kExpInf = 88.8, kExpHuge = 88;
bool certainly_inf(const Val& w) {
  return w.v - w.err >= kExpInf;
}
bool huge(const Val& w) {
  return w.v - w.err >= kExpHuge;
}
// In that window the kernel's q / (1 + exp(w)) is 0 or within |q| e^-w (1 + 1e-5) of 0 (the
// few-ulp exp and two roundings); q bounds |numerator| as computed.
double window_quotient(const Val& w, double q) {
  return certainly_inf(w) ? 0 : q * std::exp(-(w.v - w.err)) * (1 + 1e-5);
}

// z = sqrt(2/pi) (t + 0.044715 t^3) exactly, in double.
double tanh_arg(double t) {
  return 0.79788456080286535588 * (t + 0.044715 * (t * t * t));
}
double sigmoid(double w) {
  return 1 / (1 + std::exp(-w));
}

}  // namespace

Val gelu_computed(const RunningError& ar, const Val& t) {
  const Val half = ar.scale(t, 0.5);
  const Val e = ar.erfc(ar.mul(ar.neg(t), kInvSqrt2));
  Val y = ar.mul(half, e);
  y.overflow = half.overflow || e.overflow;
  return y;
}

Val gelu_grad_computed(const RunningError& ar, const Val& t) {
  const Val big_phi = ar.scale(ar.erfc(ar.mul(ar.neg(t), kInvSqrt2)), 0.5);
  if (std::fabs(t.v) - t.err > 20) {
    // -0.5 t^2 < -199 (or t^2 overflows to inf): exp gives exactly 0, so phi = 0, t phi = +-0
    // and the kernel returns Phi; the exact t phi(t) is below |t| e^{-t^2/2} / 2.
    const double at = std::fabs(t.v) - t.err;
    const double tail = std::fabs(t.v) * 0.4 * std::exp(-0.5 * at * at);
    Val d = big_phi;
    d.v += t.v * 0.39894228040143267794 * std::exp(-0.5 * t.v * t.v);
    d.err += tail;
    return d;
  }
  const Val phi = ar.mul(exp_of(ar, ar.scale(ar.mul(t, t), -0.5)), kInvSqrt2Pi);
  const Val tp = ar.mul(t, phi);
  return ar.add(big_phi, tp);
}

Val silu_computed(const RunningError& ar, const Val& t) {
  const Val w = ar.neg(t);
  if (huge(w)) {
    // t / inf = -0 (or t / e^w, tiny, in the window); |silu(t)| <= |t| e^t.
    const double at = std::fabs(t.v) + t.err;
    return saturated(t.v * sigmoid(t.v),
                     std::fabs(t.v) * std::exp(t.v + t.err) * (1 + 1e-12) + window_quotient(w, at));
  }
  const Val den = ar.add(kOne, exp_of(ar, w));
  Val y = ar.div(t, den);
  y.overflow = t.overflow || den.overflow;
  return y;
}

Val silu_grad_computed(const RunningError& ar, const Val& t) {
  const Val w = ar.neg(t);
  if (huge(w)) {
    // s = 1 / inf = 0, so the kernel returns 0 * (1 + t) = -+0 (or s (1 + t (1 - s)) with s
    // below e^-w in the window); |silu'(t)| <= e^t (1 + |t|).
    const double s = sigmoid(t.v), at = std::fabs(t.v) + t.err;
    return saturated(s * (1 + t.v * (1 - s)),
                     std::exp(t.v + t.err) * (1 + std::fabs(t.v)) * (1 + 1e-12) +
                         window_quotient(w, 1 + at) * (1 + 1e-6));
  }
  const Val s = ar.div(kOne, ar.add(kOne, exp_of(ar, w)));
  return ar.mul(s, ar.add(kOne, ar.mul(t, ar.sub(kOne, s))));
}

namespace {

// The chain z = sqrt(2/pi) (t + 0.044715 ((t t) t)) and w = -2z; t2 = t t.
struct TanhArg {
  Val t2, z, w;
};
TanhArg tanh_chain(const RunningError& ar, const Val& t) {
  TanhArg a;
  a.t2 = ar.mul(t, t);
  a.z = ar.mul(kSqrt2OverPi, ar.add(t, ar.mul(kCubic, ar.mul(a.t2, t))));
  a.w = ar.scale(a.z, -2);
  return a;
}

// For |z| > 50 the kernel's z has the exact z's sign and at least 0.99 of its magnitude (every
// term of t + 0.044715 t^3 has t's sign, each rounding keeps |.| >= (1 - u)|.|, overflow gives
// inf of that sign): exp(-2z) is exactly 0 (z > 0) or certainly inf (z < 0), whatever the
// chain's error terms say (t^3 overflows fp32 beyond 7e12).
bool saturated_pos(const TanhArg& a, double z) {
  return z > 60 || (!a.w.overflow && a.w.v + a.w.err < -120);
}
bool saturated_neg(const TanhArg& a, double z) {
  return z < -50 || (!a.w.overflow && huge(a.w));
}
// The window's extra error (0 beyond it or for |z| > 50, where exp is certainly inf).
double tanh_window(const TanhArg& a, double z, double q) {
  return z < -50 ? 0 : window_quotient(a.w, q);
}

}  // namespace

Val gelu_tanh_computed(const RunningError& ar, const Val& t) {
  const TanhArg a = tanh_chain(ar, t);
  const double z = tanh_arg(t.v), y = t.v * sigmoid(2 * z);
  // exp(-2z) = 0: y = t (the kernel's t, within t.err of the exact); t - y <= t e^{-2z}.
  if (t.v > 0 && saturated_pos(a, z))
    return saturated(y, t.err + t.v * std::exp(-2 * z * (1 - 1e-12)));
  // exp(-2z) = inf: y = t / inf = -0; |y| <= |t| e^{2z}.
  if (t.v < 0 && saturated_neg(a, z))
    return saturated(y, std::fabs(t.v) * std::exp(2 * z * (1 - 1e-12)) +
                            tanh_window(a, z, std::fabs(t.v) + t.err));
  const Val den = ar.add(kOne, exp_of(ar, a.w));
  Val r = ar.div(t, den);
  r.overflow = t.overflow || den.overflow;
  return r;
}

Val gelu_tanh_grad_computed(const RunningError& ar, const Val& t) {
  const TanhArg a = tanh_chain(ar, t);
  const double z = tanh_arg(t.v);
  const double zp = 0.79788456080286535588 * (1 + 0.134145 * t.v * t.v);
  const double s_ex = sigmoid(2 * z);
  const double exact = s_ex * (1 + 2 * t.v * zp * (1 - s_ex));
  // 1 - s = e / (1 + e) <= e with e = exp(-2z): |1 - exact| <= e (1 + 2 |t| z').
  auto one_minus_bound = [&](double e_hi) { return e_hi * (1 + 2 * std::fabs(t.v) * zp); };
  // s = 1 / inf = 0: the kernel returns 0 (the product term skipped); s <= e^{2z}.
  // In the window s is below e^-w and the kernel's |1 + term| below 1 + 2 |t| z' (1 + 1e-5).
  if (t.v < 0 && saturated_neg(a, z))
    return saturated(exact,
                     std::exp(2 * z * (1 - 1e-12)) * (1 + 2 * std::fabs(t.v) * zp) +
                         tanh_window(a, z, (1 + 2 * (std::fabs(t.v) + t.err) * zp) * (1 + 1e-5)));
  // exp(-2z) < 2^-25: 1 + e = 1, s = 1, 1 - s = 0: the kernel returns exactly 1.
  const double e_hi = (a.w.overflow ? 0 : std::exp(a.w.v + a.w.err)) * (1 + 1e-6);
  if (t.v > 0 && (z > 60 || (!a.w.overflow && e_hi < 0x1p-25)))
    return saturated(exact,
                     std::max(std::fabs(1 - exact),
                              one_minus_bound(z > 60 ? std::exp(-2 * z * (1 - 1e-12)) : e_hi)));
  const Val e = exp_of(ar, a.w);
  const Val s = ar.div(kOne, ar.add(kOne, e));
  const Val om = ar.sub(kOne, s);
  const Val dz = ar.mul(kSqrt2OverPi, ar.add(kOne, ar.mul(kCubic3, a.t2)));
  const Val term = ar.mul(ar.mul(t, ar.scale(dz, 2)), om);
  Val d = ar.mul(s, ar.add(kOne, term));
  // Where 1 - s may round to 0 the kernel may return s = 1 instead (|1 - exact| bounded as
  // above).
  if (e_hi < 0x1p-23) d.err = std::max(d.err, std::fabs(1 - exact) + one_minus_bound(e_hi));
  return d;
}

double cast_bound(const Val& c, Format out, Rounding mode) {
  const FormatDesc& d = desc(out);
  // A directed rounding (rz, ru, rd) may lose a whole ulp, a nearest one half of it.
  const double k = mode == Rounding::rne || mode == Rounding::rna ? 1 : 2;
  const double reach = std::fabs(c.v) + c.err;
  double half = d.min_subnormal() / 2;
  if (reach >= d.min_normal()) {
    int e = 0;
    std::frexp(reach, &e);  // reach in [2^(e-1), 2^e)
    half = std::ldexp(d.unit_roundoff(), e - 1);
  }
  return c.err + k * half + RE::kDrift * std::fabs(c.v);
}

Val exp_computed(const RunningError& ar, const Val& t) {
  if (certainly_inf(t)) return saturated(std::exp(t.v), 0);  // the kernel's inf
  Val y = exp_of(ar, t);
  y.overflow = false;  // the result itself may overflow: the output judges that
  return y;
}

Val activation_bound(const Recipe& rc, ActivationComputed f, bool backward, double x,
                     std::optional<double> bias, double dy) {
  const RunningError ar(rc.acc, rc.math_ulps);
  const Val t = bias ? ar.add(RE::exact(x), RE::exact(*bias)) : RE::exact(x);
  Val y = f(ar, t);
  y.overflow = y.overflow || t.overflow;
  if (!backward) return y;
  Val g = ar.mul(RE::exact(dy), y);
  g.overflow = y.overflow;  // dy * f' itself may overflow: the output judges that
  return g;
}

}  // namespace numguard::ops
