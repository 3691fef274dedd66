// softmax and log_softmax CPU kernels: fp32 arithmetic on fp16, bf16 and fp32 rows, output in
// the input format. Twins of the CUDA softmax kernels live in cuda/register_softmax.cpp.
#include "kernels_under_test/cpu/fp32_math.h"
#include "kernels_under_test/cpu/row_kernel.h"
#include "kernels_under_test/cpu/softmax_rows.h"

namespace numguard::kernels {
namespace {

void declare(std::string_view op, Format in, std::string_view algorithm, const SoftmaxAlgo& a,
             Domain domain = {}) {
  const Recipe rc = row_recipe({.in = in,
                                .out = in,
                                .method = a.method,
                                .shape = a.shape,
                                .stage = a.stage,
                                .math_ulps = fp32math::kExpLogUlps,
                                .domain = domain});
  register_row_kernel(row_kernel_name(op, in, algorithm), std::string(op), rc,
                      [a](const Problem& p, Tensor& y) { softmax_rows(a, p, y); });
}

const bool registered = [] {
  for (Format in : {Format::fp16, Format::bf16, Format::fp32}) {
    declare("softmax", in, "twopass", {.method = Method::two_pass});
    declare("softmax", in, "online", {.method = Method::online});
    declare("log_softmax", in, "twopass", {.method = Method::two_pass, .log = true});
  }
  // exp(x) staged in fp16 without the max subtraction: exact up to the fp16 overflow of
  // exp at ln(65520) = 11.09, so it promises |x| <= 11 (docs/REFERENCE.md, cliffs).
  declare("softmax", Format::fp16, "nomax", {.method = Method::no_max, .stage = Format::fp16},
          Domain{.max_abs_input = 11});
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
