// Formula variants of the elementwise ops: the ways real kernels get an activation wrong. The
// planted mutants (kernels_under_test/mutants/) run them, and `numguard explain`'s hypotheses
// (harness/explain/) run the same code against any kernel of the op, so a variant is written
// once. Each comment says which mechanism it is; DESIGN.md's vocabulary names them.
#pragma once

#include <cmath>
#include <cstdint>

#include "harness/core/kernel.h"
#include "harness/core/rounding.h"
#include "kernels_under_test/cpu/activation.h"
#include "kernels_under_test/cpu/activation_math.h"
#include "kernels_under_test/cpu/fp32_math.h"
#include "kernels_under_test/cpu/row_kernel.h"
#include "kernels_under_test/cpu/softplus_math.h"

namespace numguard::kernels::variants {

// gelu_tanh with t^3 and 0.044715 t^3 rounded to F: a "half2" kernel that keeps the polynomial
// in the input format. Its roundings shift 2z by ~1e-3 t^3 relative, which the tail
// t e^{2z} (t < 0) turns into a relative error far above the format's.
template <Format F>
float gelu_tanh_staged_cube(float t) {
  const float c = through(F, through(F, t * t) * t);
  const float z = 0.79788456080286536f * (t + through(F, 0.044715f * c));
  return t / (1.0f + fp32math::exp(-2.0f * z));
}

// silu' with 1 - sigmoid(t) stored in F (a kernel that keeps the sigmoid in the input format
// for the backward pass and forms 1 - s from it).
template <Format F>
float silu_grad_staged_one_minus(float t) {
  const float s = 1.0f / (1.0f + fp32math::exp(-t));
  return s * (1.0f + t * through(F, 1.0f - s));
}

// GELU as 0.5 t (1 + erf(t / sqrt 2)) with an accurate fp32 erf: for t below about -3 the
// sum 1 + erf cancels (erf is near -1), so the result keeps only the bits of fp32 that survive
// the subtraction, where the erfc form 0.5 t erfc(-t / sqrt 2) stays accurate.
inline float gelu_one_plus_erf(float t) {
  const float e = static_cast<float>(std::erf(static_cast<double>(t * 0.70710678118654752f)));
  return 0.5f * t * (1.0f + e);
}

// log1p(exp(t)) without PyTorch's threshold branch: exp overflows fp32 from t = 88.73 on and
// log1p(inf) = inf where softplus(t) is about t.
inline float softplus_no_threshold(float t) {
  return act::log1p_goldberg(fp32math::exp(t));
}

// log(1 + exp(t)) instead of log1p: 1 + e rounds away e's low bits, so the result loses
// relative accuracy below t ~ -8 and is 0 below -16.6.
inline float softplus_log_of_one_plus(float t) {
  if (t > act::kSoftplusThreshold) return t;
  return fp32math::log(1.0f + fp32math::exp(t));
}

// The output cast done in two steps, fp32 -> F -> out (an fp8 epilogue built on the fp16
// conversion intrinsics): double rounding at out's midpoints.
template <Format F>
uint64_t cast_through(float y, Format out) {
  return from_float(through(F, y), out);
}

// The output conversion with another rounding mode (M instead of RNE).
template <Rounding M>
uint64_t cast_rounding(float y, Format out) {
  return round_double(out, y, {.mode = M}).bits;
}

// y = f(x) + bias instead of f(x + bias): a fused "bias, then activation" epilogue with its two
// steps swapped. Without a bias it is the op itself. Output in out.format.
void bias_after_activation_rows(ElementFn f, const Problem& p, Tensor& out);

}  // namespace numguard::kernels::variants
