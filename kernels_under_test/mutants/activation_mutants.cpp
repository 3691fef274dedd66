// Activation mutants: each declares the recipe of the correct kernel it imitates.
#include "kernels_under_test/cpu/activation.h"
#include "kernels_under_test/cpu/activation_math.h"
#include "kernels_under_test/cpu/formula_variants.h"
#include "kernels_under_test/cpu/row_kernel.h"
#include "kernels_under_test/mutants/register_mutant.h"

namespace numguard::kernels {
namespace {

namespace fm = fp32math;

Recipe declared(Format in, Format out, double ulps) {
  return row_recipe({.in = in, .out = out, .method = Method::direct, .math_ulps = ulps});
}

const bool registered = [] {
  register_mutant("mutant.gelu_tanh.fp16.fp16_cube", "gelu_tanh", "gelu_tanh.fp16.fp32acc.direct",
                  "t^3 and 0.044715 t^3 rounded to fp16 (polynomial in the input format)",
                  "intermediate=fp16", declared(Format::fp16, Format::fp16, fm::kExpLogUlps),
                  [](const Problem& p, Tensor& y) {
                    activation_rows(variants::gelu_tanh_staged_cube<Format::fp16>, false, p, y);
                  });
  register_mutant("mutant.silu.fp16.e4m3_double_rounding", "silu", "silu.fp16.fp32acc.e4m3out",
                  "output cast fp32 -> fp16 -> e4m3: double rounding at e4m3 midpoints",
                  "output_double_rounding=fp16",
                  declared(Format::fp16, Format::e4m3, fm::kExpLogUlps),
                  [](const Problem& p, Tensor& y) {
                    activation_rows(act::silu, false, p, y, variants::cast_through<Format::fp16>);
                  });
  register_mutant("mutant.silu_backward.fp16.fp16_one_minus_sigmoid", "silu_backward",
                  "silu_backward.fp16.fp32acc.direct", "1 - sigmoid(t) rounded to fp16",
                  "intermediate=fp16", declared(Format::fp16, Format::fp16, fm::kExpLogUlps),
                  [](const Problem& p, Tensor& y) {
                    activation_rows(variants::silu_grad_staged_one_minus<Format::fp16>, true, p, y);
                  });
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
