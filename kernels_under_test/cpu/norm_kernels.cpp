// layernorm, rmsnorm and their backward CPU kernels: fp32 arithmetic on fp16, bf16 and fp32
// inputs, outputs in the input format, every sum sequential (norm_rows.h). sqrtf and the
// divisions are correctly rounded, so the recipes use no math_ulps.
#include "kernels_under_test/cpu/norm_rows.h"
#include "kernels_under_test/cpu/row_kernel.h"

namespace numguard::kernels {
namespace {

void declare(std::string_view op, Format in, std::string_view algorithm, const NormAlgo& a,
             bool backward) {
  const Recipe rc = row_recipe(
      {.in = in, .out = in, .method = a.rms ? Method::direct : a.method, .shape = a.shape});
  KernelFn run = backward
                     ? KernelFn([a](const Problem& p, Tensor& y) { norm_backward_rows(a, p, y); })
                     : KernelFn([a](const Problem& p, Tensor& y) { norm_rows(a, p, y); });
  register_row_kernel(row_kernel_name(op, in, algorithm), std::string(op), rc, std::move(run));
}

const bool registered = [] {
  for (Format in : {Format::fp16, Format::bf16, Format::fp32}) {
    declare("layernorm", in, "twopass", {.method = Method::two_pass}, false);
    declare("layernorm", in, "welford", {.method = Method::welford}, false);
    declare("rmsnorm", in, "direct", {.rms = true}, false);
    declare("layernorm_backward", in, "twopass", {.method = Method::two_pass}, true);
    declare("rmsnorm_backward", in, "direct", {.rms = true}, true);
  }
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
