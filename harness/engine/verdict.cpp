#include "harness/engine/verdict.h"

#include <cmath>
#include <limits>

#include "harness/core/ulp.h"

namespace numguard {

std::string_view name(Verdict v) {
  constexpr std::string_view kNames[] = {
      "within_bound", "bound_violation", "spurious_nonfinite", "missed_nonfinite",
      "nan_mismatch", "model_mismatch",  "domain_limit",       "twin_mismatch",
      "kernel_error", "unsupported",     "internal_error",     "crash"};
  return kNames[static_cast<size_t>(v)];
}

double ElementCheck::ratio() const {
  if (error == 0) return 0;
  if (bound == 0) return std::numeric_limits<double>::infinity();
  return error / bound;
}

namespace {
bool toward_zero(Rounding mode, double y) {
  return mode == Rounding::rz || (mode == Rounding::ru && y < 0) || (mode == Rounding::rd && y > 0);
}
}  // namespace

namespace {

// The judgement once the reference's kind, value and the bound are known.
ElementCheck judge(const Recipe& r, Unpacked::Kind kind, double y, double bound, double prob,
                   bool out_cast, uint64_t out_bits) {
  const Format out = r.out;
  const FormatDesc& d = desc(out);
  ElementCheck e;
  e.output = decode(out, out_bits);
  e.reference = y;
  const bool out_nan = std::isnan(e.output), out_inf = std::isinf(e.output);
  const double inf = std::numeric_limits<double>::infinity();

  switch (kind) {
    case Unpacked::Kind::nan:
      e.error = out_nan ? 0 : inf;
      e.verdict = out_nan ? Verdict::within_bound : Verdict::nan_mismatch;
      return e;
    case Unpacked::Kind::inf:
      e.error = e.output == e.reference ? 0 : inf;
      e.verdict = e.output == e.reference ? Verdict::within_bound
                  : out_nan || out_inf    ? Verdict::nan_mismatch
                                          : Verdict::missed_nonfinite;
      return e;
    default:
      break;
  }
  const double ay = std::fabs(y);
  e.bound = bound;
  e.prob_bound = prob;
  if (out_nan) {
    e.error = inf;
    e.verdict = Verdict::spurious_nonfinite;
    return e;
  }
  if (out_inf) {
    // Overflow is legitimate when the computed value may lie beyond the largest finite; a
    // round-to-nearest output reaches inf only from max + half the top binade's spacing
    // (65520 for fp16). The bound covers |computed - y|, the final rounding included.
    const bool nearest = r.out_rounding == Rounding::rne || r.out_rounding == Rounding::rna;
    int top = 0;
    std::frexp(d.max_finite(), &top);
    const double threshold =
        d.max_finite() + (nearest ? std::ldexp(d.unit_roundoff(), top - 1) : 0);
    // Some value within the bound of y lies beyond the threshold on the output's side (a y
    // of 0 or of the other sign may still be computed as a large value of either sign).
    const bool may_overflow = e.output > 0 ? y + e.bound >= threshold : y - e.bound <= -threshold;
    e.error = may_overflow ? 0 : inf;
    e.verdict = may_overflow ? Verdict::within_bound : Verdict::spurious_nonfinite;
    return e;
  }
  e.error = std::fabs(e.output - y);
  e.ulps = ulp_error(out, e.output, y);
  // Beyond the format's range, rounding toward zero legitimately gives +-max.
  if (ay > d.max_finite() && std::fabs(e.output) == d.max_finite() &&
      (toward_zero(r.out_rounding, y) || (!out_cast && toward_zero(r.acc_rounding, y))) &&
      std::signbit(e.output) == std::signbit(y)) {
    e.verdict = Verdict::within_bound;
    e.error = 0;
    return e;
  }
  e.verdict = e.error <= e.bound ? Verdict::within_bound : Verdict::bound_violation;
  return e;
}

}  // namespace

ElementCheck judge_value(const Recipe& r, double y, double bound, double estimate,
                         uint64_t out_bits, std::optional<bool> out_cast) {
  const Unpacked::Kind kind = std::isnan(y)   ? Unpacked::Kind::nan
                              : std::isinf(y) ? Unpacked::Kind::inf
                                              : Unpacked::Kind::finite;
  return judge(r, kind, y, bound, estimate, out_cast.value_or(r.acc != r.out), out_bits);
}

}  // namespace numguard
