// cross_entropy CPU kernels: fp32 arithmetic on fp16, bf16 and fp32 logits, the loss out in fp32.
#include "kernels_under_test/cpu/cross_entropy_rows.h"
#include "kernels_under_test/cpu/fp32_math.h"
#include "kernels_under_test/cpu/row_kernel.h"

namespace numguard::kernels {
namespace {

const bool registered = [] {
  for (Format in : {Format::fp16, Format::bf16, Format::fp32}) {
    const Recipe rc = row_recipe({.in = in,
                                  .out = Format::fp32,
                                  .method = Method::two_pass,
                                  .math_ulps = fp32math::kExpLogUlps});
    register_row_kernel(row_kernel_name("cross_entropy", in, "twopass"), "cross_entropy", rc,
                        [](const Problem& p, Tensor& y) { cross_entropy({}, p, y); });
  }
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
