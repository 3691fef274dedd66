// The built-in activations: gelu (erf form), gelu_tanh, silu, their backward ops and exp
// (kernels_under_test/cpu/activation_math.h computes them; activation_bound.cpp follows it).
#include <cmath>

#include <fmt/format.h>

#include "harness/engine/ops/activation_op.h"
#include "harness/engine/ops/row_study.h"

namespace numguard::ops {
namespace {

const char* kBound =
    "running error analysis of the kernel's fp32 formula, operation by operation, then the "
    "output cast (docs/error-models.md, \"Activations and exp\")";

double neg_of(const RangePattern& pat) {
  return most_negative(pat.values[0]);
}

void exp_cliffs(const Recipe& rc, const RangePattern& pat, CliffList& c) {
  const Format acc = rc.acc, out = rc.out;
  const double neg = neg_of(pat);
  auto T = overflow_threshold;
  c.add(fmt::format("{} exp overflow, ln({})", fname(out), num(T(out))), std::log(T(out)));
  if (acc != out)
    c.add(fmt::format("{} exp overflow, ln({})", fname(acc), num(T(acc))), std::log(T(acc)));
  c.add("exp(x) of the most negative input subnormal in " + fname(out),
        -std::log(desc(out).min_normal()) / neg);
  c.add("exp(x) of the most negative input rounds to 0 in " + fname(out),
        -std::log(underflow_threshold(out)) / neg);
}

// t / (1 + exp(-t)): exp(-t) = inf for the most negative input gives -0 (exact: -|t| e^t).
void silu_cliffs(const Recipe& rc, const RangePattern& pat, CliffList& c) {
  c.add("exp(-x) of the sigmoid overflows " + fname(rc.acc) + " (most negative input)",
        std::log(overflow_threshold(rc.acc)) / neg_of(pat));
}

// t / (1 + exp(-2z)), z = sqrt(2/pi) (t + 0.044715 t^3) (activation_math.h).
void gelu_tanh_cliffs(const Recipe& rc, const RangePattern& pat, CliffList& c) {
  const double T = overflow_threshold(rc.acc);
  c.add("x^3 overflows " + fname(rc.acc), std::cbrt(T));
  const double t = solve_increasing(
      [](double x) { return 2 * 0.79788456080286536 * (x + 0.044715 * x * x * x); }, std::log(T),
      1e3);
  c.add("exp(-2z) of the sigmoid overflows " + fname(rc.acc) + " (most negative input)",
        t / neg_of(pat));
}

void gelu_cliffs(const Recipe& rc, const RangePattern& pat, CliffList& c) {
  c.add("erfc(-x / sqrt 2) underflows " + fname(rc.acc) + " to 0 (most negative input)",
        std::sqrt(2.0) * erfc_inverse(underflow_threshold(rc.acc)) / neg_of(pat));
}

// Phi(t) + t phi(t), phi = exp(-t^2 / 2) / sqrt(2 pi): once exp underflows only Phi is left,
// while the exact value is about -|t| phi(t).
void gelu_grad_cliffs(const Recipe& rc, const RangePattern& pat, CliffList& c) {
  c.add("x^2 overflows " + fname(rc.acc), std::sqrt(overflow_threshold(rc.acc)));
  c.add("exp(-x^2 / 2) underflows " + fname(rc.acc) + " to 0 (most negative input)",
        std::sqrt(-2 * std::log(underflow_threshold(rc.acc))) / neg_of(pat));
}

template <void (*Cliffs)(const Recipe&, const RangePattern&, CliffList&)>
void forward_cliffs(const Recipe& rc, const RangePattern& pat, CliffList& c) {
  Cliffs(rc, pat, c);
  result_overflow_cliff(rc, c);
}

NUMGUARD_REGISTER_OP(activation_op({.name = "gelu",
                                    .summary = "out = t Phi(t), t = x + bias: GELU, erf form",
                                    .rank = 500,
                                    .exact = mpfr_ref::gelu_exact,
                                    .computed = gelu_computed,
                                    .bound_formula = kBound,
                                    .identity = ActivationIdentity::odd,
                                    .cliffs = forward_cliffs<gelu_cliffs>}));
NUMGUARD_REGISTER_OP(
    activation_op({.name = "gelu_tanh",
                   .summary = "out = t sigmoid(2 sqrt(2/pi) (t + 0.044715 t^3)): GELU, tanh form",
                   .rank = 510,
                   .exact = mpfr_ref::gelu_tanh_exact,
                   .computed = gelu_tanh_computed,
                   .bound_formula = kBound,
                   .identity = ActivationIdentity::odd,
                   .cliffs = forward_cliffs<gelu_tanh_cliffs>}));
NUMGUARD_REGISTER_OP(activation_op({.name = "silu",
                                    .summary = "out = t sigmoid(t), t = x + bias",
                                    .rank = 520,
                                    .exact = mpfr_ref::silu_exact,
                                    .computed = silu_computed,
                                    .bound_formula = kBound,
                                    .identity = ActivationIdentity::odd,
                                    .cliffs = forward_cliffs<silu_cliffs>}));
NUMGUARD_REGISTER_OP(activation_op({.name = "gelu_backward",
                                    .summary = "out = dy gelu'(t), gelu' = Phi + t phi",
                                    .rank = 530,
                                    .backward = true,
                                    .exact = mpfr_ref::gelu_grad_exact,
                                    .computed = gelu_grad_computed,
                                    .bound_formula = kBound,
                                    .identity = ActivationIdentity::even_derivative,
                                    .cliffs = gelu_grad_cliffs}));
NUMGUARD_REGISTER_OP(activation_op({.name = "gelu_tanh_backward",
                                    .summary = "out = dy gelu_tanh'(t)",
                                    .rank = 540,
                                    .backward = true,
                                    .exact = mpfr_ref::gelu_tanh_grad_exact,
                                    .computed = gelu_tanh_grad_computed,
                                    .bound_formula = kBound,
                                    .identity = ActivationIdentity::even_derivative,
                                    .cliffs = gelu_tanh_cliffs}));
NUMGUARD_REGISTER_OP(activation_op({.name = "silu_backward",
                                    .summary = "out = dy silu'(t), silu' = s (1 + t (1 - s))",
                                    .rank = 550,
                                    .backward = true,
                                    .exact = mpfr_ref::silu_grad_exact,
                                    .computed = silu_grad_computed,
                                    .bound_formula = kBound,
                                    .identity = ActivationIdentity::even_derivative,
                                    .cliffs = silu_cliffs}));
NUMGUARD_REGISTER_OP(activation_op({.name = "exp",
                                    .summary = "out = exp(x)",
                                    .rank = 560,
                                    .bias = false,
                                    .exact = mpfr_ref::exp_exact,
                                    .computed = exp_computed,
                                    .bound_formula = kBound,
                                    .identity = ActivationIdentity::reciprocal,
                                    .positive_row_max = true,
                                    .cliffs = exp_cliffs}));

}  // namespace
}  // namespace numguard::ops
