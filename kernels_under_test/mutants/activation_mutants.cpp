// Activation mutants: each declares the recipe of the correct kernel it imitates.
#include "kernels_under_test/cpu/activation.h"
#include "kernels_under_test/cpu/activation_math.h"
#include "kernels_under_test/cpu/row_kernel.h"
#include "kernels_under_test/mutants/register_mutant.h"

namespace numguard::kernels {
namespace {

namespace fm = fp32math;

Recipe declared(Format in, Format out, double ulps) {
  return row_recipe({.in = in, .out = out, .method = Method::direct, .math_ulps = ulps});
}

// gelu_tanh with t^3 and 0.044715 t^3 rounded to fp16: a "half2" kernel that keeps the
// polynomial in the input format. t^3 overflows fp16 beyond 40.3 (harmless here: the
// sigmoid saturates) but its 2^-11 roundings shift 2z by ~1e-3 t^3, which the tail t e^{2z}
// (t < 0) turns into a relative error far above fp16's.
float gelu_tanh_fp16_cube(float t) {
  const float c = through(Format::fp16, through(Format::fp16, t * t) * t);
  const float z = 0.79788456080286536f * (t + through(Format::fp16, 0.044715f * c));
  return t / (1.0f + fm::exp(-2.0f * z));
}

// silu' with 1 - sigmoid(t) stored in fp16 (a kernel that writes the sigmoid in the input
// format for the backward pass and forms 1 - s from it).
float silu_grad_fp16_one_minus(float t) {
  const float s = 1.0f / (1.0f + fm::exp(-t));
  return s * (1.0f + t * through(Format::fp16, 1.0f - s));
}

// Double rounding in the output cast: the fp32 result rounded to fp16 and then to e4m3 (an
// fp8 epilogue built on the fp16 conversion intrinsics), wrong by up to half an fp16 ulp
// beyond RNE at e4m3 midpoints, and NaN once the fp16 step overflows.
uint64_t via_fp16(float y, Format out) {
  return from_float(through(Format::fp16, y), out);
}

const bool registered = [] {
  register_mutant(
      "mutant.gelu_tanh.fp16.fp16_cube", "gelu_tanh", "gelu_tanh.fp16.fp32acc.direct",
      "t^3 and 0.044715 t^3 rounded to fp16 (polynomial in the input format)",
      declared(Format::fp16, Format::fp16, fm::kExpLogUlps),
      [](const Problem& p, Tensor& y) { activation_rows(gelu_tanh_fp16_cube, false, p, y); });
  register_mutant(
      "mutant.silu.fp16.e4m3_double_rounding", "silu", "silu.fp16.fp32acc.e4m3out",
      "output cast fp32 -> fp16 -> e4m3: double rounding at e4m3 midpoints",
      declared(Format::fp16, Format::e4m3, fm::kExpLogUlps),
      [](const Problem& p, Tensor& y) { activation_rows(act::silu, false, p, y, via_fp16); });
  register_mutant(
      "mutant.silu_backward.fp16.fp16_one_minus_sigmoid", "silu_backward",
      "silu_backward.fp16.fp32acc.direct", "1 - sigmoid(t) rounded to fp16",
      declared(Format::fp16, Format::fp16, fm::kExpLogUlps),
      [](const Problem& p, Tensor& y) { activation_rows(silu_grad_fp16_one_minus, true, p, y); });
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
