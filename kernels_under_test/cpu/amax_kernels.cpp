// amax CPU kernels on fp16, bf16 and fp32 rows, out in the input format (exact).
#include "kernels_under_test/cpu/amax_rows.h"
#include "kernels_under_test/cpu/row_kernel.h"

namespace numguard::kernels {
namespace {

const bool registered = [] {
  for (Format in : {Format::fp16, Format::bf16, Format::fp32}) {
    register_row_kernel(row_kernel_name("amax", in, "sequential"), "amax",
                        row_recipe({.in = in, .out = in}),
                        [](const Problem& p, Tensor& y) { amax_rows({}, p, y); });
    // One warp per row: 32 strided lanes, then a butterfly (the CUDA kernel's order).
    const Accumulation warp{.order = Order::strided, .lanes = 32};
    register_row_kernel(row_kernel_name("amax", in, "warp32"), "amax",
                        row_recipe({.in = in, .out = in, .shape = warp}),
                        [warp](const Problem& p, Tensor& y) { amax_rows({.shape = warp}, p, y); });
  }
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
