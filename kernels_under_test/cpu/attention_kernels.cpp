// attention CPU kernels: fp32 arithmetic on fp16, bf16 and fp32 Q, K, V, output in the input
// format; naive (two-pass softmax, normalize, then P V) and tiled (flash-style online softmax
// over key tiles of 8).
#include "kernels_under_test/cpu/attention_rows.h"
#include "kernels_under_test/cpu/row_kernel.h"

namespace numguard::kernels {
namespace {

const bool registered = [] {
  for (Format in : {Format::fp16, Format::bf16, Format::fp32}) {
    const AttentionAlgo naive{.method = Method::two_pass};
    register_row_kernel(row_kernel_name("attention", in, "naive"), "attention",
                        attention_recipe(in, naive),
                        [naive](const Problem& p, Tensor& y) { attention_rows(naive, p, y); });
    const AttentionAlgo tiled{.method = Method::tiled, .block = 8};
    register_row_kernel(row_kernel_name("attention", in, "tiled"), "attention",
                        attention_recipe(in, tiled),
                        [tiled](const Problem& p, Tensor& y) { attention_rows(tiled, p, y); });
  }
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
