// adam CPU kernels: fp32 arithmetic on w, g, m, v stored in fp16, bf16 or fp32; w', m', v'
// out in the same format.
#include "kernels_under_test/cpu/adam_step.h"
#include "kernels_under_test/cpu/fp32_math.h"
#include "kernels_under_test/cpu/row_kernel.h"

namespace numguard::kernels {
namespace {

const bool registered = [] {
  for (Format in : {Format::fp16, Format::bf16, Format::fp32}) {
    const Recipe rc = row_recipe({.in = in, .out = in, .math_ulps = fp32math::kExpLogUlps});
    register_row_kernel(row_kernel_name("adam", in, "direct"), "adam", rc,
                        [](const Problem& p, Tensor& y) { adam_step({}, p, y); });
  }
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
