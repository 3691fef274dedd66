// Running error analysis (Wilkinson; Higham, "Accuracy and Stability", 2nd ed., section 3.3):
// the bound of a row or elementwise op is evaluated along the kernel's own computation,
// operation by operation, on the inputs of the case. Each intermediate carries its value v
// (the exact intermediate, approximated in double) and err, a bound on |computed - exact|.
// Every rule is the standard model fl(x op y) = (x op y)(1 + d), |d| <= u, plus an absolute
// eta where the result can be subnormal; derivations and the rules: docs/error-models.md.
//
// v is computed in double, so it drifts from the exact intermediate by about 2^-53 relative
// per operation; each rule adds 2^-50 |v| to err, which covers that drift many times over.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>

#include "harness/core/format.h"

namespace numguard {

struct Val {
  double v = 0;    // the exact intermediate (in double)
  double err = 0;  // bound on |computed - exact|
  double var = 0;  // sum of squared rounding terms, propagated linearly (the estimate)
  // A finite intermediate may exceed the largest finite value of a format it passed (|v| + err
  // beyond it). Infinite or NaN inputs do not set it: their propagation is judged against the
  // reference, while an overflow leaves the kernel's promise whatever the reference is.
  bool overflow = false;
  // An infinite operand met a value whose sign or zeroness its error leaves open (inf * x
  // with |x| <= err, a division by such x): the kernel's result is NaN or an infinity
  // depending on its rounding, so the element leaves the promise like an overflow.
  bool indeterminate = false;
};

class RunningError {
 public:
  // Arithmetic in `acc` (unit roundoff u, subnormal spacing 2 eta); exp/log/erfc/tanh with an
  // error of `math_ulps` ulps of acc (measured: properties/fp32_math_test.cpp).
  RunningError(Format acc, double math_ulps) : acc_(acc), math_ulps_(math_ulps) {
    const FormatDesc& d = desc(acc);
    u_ = d.unit_roundoff();
    eta_ = d.min_subnormal() / 2;
    max_ = d.max_finite();
  }
  double u() const { return u_; }
  double math_ulps() const { return math_ulps_; }
  Format format() const { return acc_; }

  static Val exact(double x) { return {x, 0, 0, false}; }

  Val add(const Val& a, const Val& b) const {
    return round(a.v + b.v, a.err + b.err, a.var + b.var, a, b, false);
  }
  Val sub(const Val& a, const Val& b) const {
    return round(a.v - b.v, a.err + b.err, a.var + b.var, a, b, false);
  }
  Val mul(const Val& a, const Val& b) const {
    const double p = std::fabs(a.v) * b.err + std::fabs(b.v) * a.err + a.err * b.err;
    Val r = round(a.v * b.v, p, b.v * b.v * a.var + a.v * a.v * b.var, a, b, true);
    r.indeterminate =
        r.indeterminate || (std::isinf(a.v) && open_sign(b)) || (std::isinf(b.v) && open_sign(a));
    return r;
  }
  Val div(const Val& a, const Val& b) const {
    const double z = a.v / b.v, room = std::fabs(b.v) - b.err;
    const double p = room > 0 ? (a.err + std::fabs(z) * b.err) / room : kInf;
    Val r = round(z, p, (a.var + z * z * b.var) / (b.v * b.v), a, b, true);
    r.indeterminate = r.indeterminate || (std::isinf(a.v) && open_sign(b));
    return r;
  }
  Val sqrt(const Val& a) const {
    const double z = std::sqrt(std::max(a.v, 0.0));
    const double lo = std::sqrt(std::max(a.v - a.err, 0.0));
    const double p = z + lo > 0 ? a.err / (z + lo) : std::sqrt(a.err);
    return round(z, p, z > 0 ? a.var / (4 * a.v) : a.var, a, a, false);
  }
  // Multiplication by an exact power of two: no rounding unless the result is subnormal.
  Val scale(const Val& a, double pow2) const {
    Val r{a.v * pow2, a.err * std::fabs(pow2) + eta_, a.var * pow2 * pow2, a.overflow,
          a.indeterminate};
    r.overflow = r.overflow || (std::isfinite(a.v) && std::fabs(r.v) + r.err > max_);
    return r;
  }
  Val neg(const Val& a) const { return {-a.v, a.err, a.var, a.overflow, a.indeterminate}; }

  // The kernel's exp: propagated |e^x' - e^x| <= e^x (e^p - 1), plus its own error.
  Val exp(const Val& a) const {
    const double z = std::exp(a.v);
    const double p = z * std::expm1(a.err);
    return math(z, p, z * z * a.var, std::exp(a.v + a.err), a);
  }
  // The kernel's log of a positive value.
  Val log(const Val& a) const {
    const double z = std::log(a.v);
    const double p = a.err < a.v ? -std::log1p(-a.err / a.v) : kInf;
    return math(z, p, a.var / (a.v * a.v), std::fabs(z) + p, a);
  }
  // The kernel's erfc: |erfc'(t)| = 2/sqrt(pi) exp(-t^2) is at most its value at the t of
  // [x - p, x + p] nearest 0.
  Val erfc(const Val& a) const {
    const double z = std::erfc(a.v);
    const double near0 = std::max(0.0, std::fabs(a.v) - a.err);
    // Every argument the kernel may see is beyond 10.5 in magnitude: fp32math::erfc returns
    // exactly 0 (or 2), within erfc(near0) of the exact value.
    if (near0 > 10.5)
      return {z, std::erfc(near0) + kDrift * std::fabs(z), 0, a.overflow, a.indeterminate};
    const double slope = 1.1283791670955126 * std::exp(-near0 * near0);
    // The figure grows as 1 + z^2 over the z of the range; beyond |z| = 10.5 fp32math::erfc
    // returns exactly 0 (or 2), within eta of erfc, so the growth stops there.
    const double far = std::min(std::fabs(a.v) + a.err, 10.5);
    return math(z, slope * a.err, slope * slope * a.var, z + slope * a.err, a, 1 + far * far);
  }
  // Rounding an intermediate into a storage format (a stage between passes, or the output);
  // a directed mode (rz, ru, rd) may lose a whole ulp where a nearest one loses half.
  static Val store(const Val& a, Format f, Rounding mode = Rounding::rne) {
    const FormatDesc& d = desc(f);
    const double k = mode == Rounding::rne || mode == Rounding::rna ? 1 : 2;
    const double p = a.err + k * d.unit_roundoff() * (std::fabs(a.v) + a.err) +
                     k * d.min_subnormal() / 2 + kDrift * std::fabs(a.v);
    const double r = d.unit_roundoff() * a.v, eta = d.min_subnormal() / 2;
    return {a.v, p, a.var + r * r + eta * eta,
            a.overflow || (std::isfinite(a.v) && std::fabs(a.v) + p > d.max_finite()),
            a.indeterminate};
  }

  static constexpr double kInf = std::numeric_limits<double>::infinity();
  static constexpr double kDrift = 0x1p-50;

 private:
  Val round(double z, double p, double var, const Val& a, const Val& b, bool can_underflow) const {
    // Additions and subtractions of values of acc are exact when the result is subnormal.
    const double e =
        p + u_ * (std::fabs(z) + p) + (can_underflow ? eta_ : 0) + kDrift * std::fabs(z);
    const double r = u_ * z, eta = can_underflow ? eta_ : 0;
    return {z, e, var + r * r + eta * eta,
            a.overflow || b.overflow ||
                (std::isfinite(a.v) && std::isfinite(b.v) && !(std::fabs(z) + e <= max_)),
            a.indeterminate || b.indeterminate};
  }
  // A finite value that may be zero or of either sign: its error reaches zero.
  static bool open_sign(const Val& x) {
    return std::isfinite(x.v) && x.err > 0 && std::fabs(x.v) <= x.err;
  }
  Val math(double z, double p, double var, double reach, const Val& a, double growth = 1) const {
    // An error of n ulps of acc: at most n * 2u |y| for a normal result, n * 2 eta below.
    const double n = math_ulps_ * growth;
    const double own = n * (2 * u_ * reach + 2 * eta_);
    const double e = p + own + kDrift * std::fabs(z);
    const double r = n * u_ * z;
    return {z, e, var + r * r, a.overflow || (std::isfinite(a.v) && !(std::fabs(z) + e <= max_)),
            a.indeterminate};
  }

  Format acc_;
  double math_ulps_;
  double u_, eta_, max_;
};

// The bound on |output - y| once the kernel's final value (within err of y) is rounded into
// the output format; no rounding when it is already a value of that format.
inline double output_bound(const Val& y, Format acc, Format out, Rounding mode = Rounding::rne) {
  if (acc == out) return y.err;
  return RunningError::store(y, out, mode).err;
}
// Higham and Mary's estimate with lambda = 5: the rounding terms as independent, never above
// the bound.
inline double output_estimate(const Val& y, Format acc, Format out, double bound) {
  double var = y.var;
  if (acc != out) {
    const double r = desc(out).unit_roundoff() * y.v, eta = desc(out).min_subnormal() / 2;
    var += r * r + eta * eta;
  }
  return std::min(bound, 5 * std::sqrt(var));
}

}  // namespace numguard
