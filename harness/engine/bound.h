// Per-element error bounds derived from a kernel's recipe (derivations: docs/error-models.md).
//
// For an output y = alpha * sum_i a_i b_i + beta * c computed by the recipe, with
// S = |alpha| sum_i |a_i b_i| + |beta c| (the "absolute sum"):
//   |y_acc - y| <= phi * S + abs_acc                 (accumulation, before the output cast)
//   |y_out - y| <= |y_acc - y| (1 + u_out) + u_out |y| + eta_out
// phi is a product of (1 + u)^k factors, one per rounding on the longest path of the
// recipe's summation tree; eta terms cover underflow.
#pragma once

#include <cstdint>

#include "harness/core/recipe.h"

namespace numguard {

// phi and abs_acc are +inf when (1 + u)^depth overflows a double (e.g. bf16 accumulation past
// n ~ 180,000): the worst-case bound says nothing there, and the check reports the element as a
// domain limit. No field is ever NaN or negative.
struct BoundModel {
  double phi = 0;          // relative factor on S for the accumulation
  double abs_acc = 0;      // absolute underflow term of the accumulation
  bool out_cast = false;   // whether the output conversion rounds again
  double u_out = 0;        // relative error of the output conversion
  double eta_out = 0;      // absolute error of the output conversion in the subnormal range
  double prob_factor = 0;  // lambda * sqrt(roundings) * u: Higham & Mary's estimate (lambda=5)
};

// n: reduction length; epilogue: whether alpha != 1 or beta != 0 adds epilogue roundings;
// alpha_abs: |alpha|, which scales the accumulator's absolute (underflow) errors.
// align_inflation: for fused blocks aligned on operand exponents, how much larger than the
// product a subnormal operand's clamped exponent makes the alignment (min_normal / |x|, >= 1).
BoundModel derive_bound(const Recipe& r, int64_t n, bool epilogue, double alpha_abs = 1.0,
                        double align_inflation = 1.0);

// The bound on |y_out - y| for one element.
double element_bound(const BoundModel& m, double sum_abs, double y_abs);
// The accumulation part alone: the bound on |y_acc - y|.
double accumulation_bound(const BoundModel& m, double sum_abs);
// The probabilistic estimate, reported beside the bound and never used to fail.
double probabilistic_bound(const BoundModel& m, double sum_abs, double y_abs);

// Roundings on the longest path of the recipe's summation (without products or epilogue).
int64_t accumulation_depth(const Accumulation& a, int64_t n);

}  // namespace numguard
