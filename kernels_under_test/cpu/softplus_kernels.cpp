// softplus CPU kernels: fp32 arithmetic (softplus_math.h) on fp16, bf16 and fp32 inputs, the
// result rounded once (RNE) into the input format.
#include "kernels_under_test/cpu/activation.h"
#include "kernels_under_test/cpu/row_kernel.h"
#include "kernels_under_test/cpu/softplus_math.h"

namespace numguard::kernels {
namespace {

const bool registered = [] {
  for (Format in : {Format::fp16, Format::bf16, Format::fp32})
    register_row_kernel(
        row_kernel_name("softplus", in, "direct"), "softplus",
        row_recipe(
            {.in = in, .out = in, .method = Method::direct, .math_ulps = fp32math::kExpLogUlps}),
        [](const Problem& p, Tensor& y) { activation_rows(act::softplus, false, p, y); });
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
