// attention mutants.
#include "kernels_under_test/cpu/attention_rows.h"
#include "kernels_under_test/cpu/fp32_math.h"
#include "kernels_under_test/cpu/row_kernel.h"
#include "kernels_under_test/mutants/register_mutant.h"

namespace numguard::kernels {
namespace {

Recipe declared(Format in, Method m) {
  RowRecipe r{.in = in, .out = in, .method = m, .math_ulps = fp32math::kExpLogUlps};
  if (m == Method::tiled) r.shape = {.order = Order::blocked, .block = 8};
  return row_recipe(r);
}

const bool registered = [] {
  // Mutant: the mask is an additive -inf over all n keys and nothing special-cases a row
  // with no visible key. Real-world cause: masked_fill(-inf) before softmax; a fully masked
  // row (left padding, causal with more queries than keys) has max -inf and
  // exp(-inf - (-inf)) = NaN, which then poisons the gradients.
  register_mutant(
      "mutant.attention.fp16.masked_row_nan", "attention", "attention.fp16.fp32acc.naive",
      "mask by adding -inf, no guard for a fully masked row: exp(-inf - (-inf)) = NaN",
      "empty_rows=nan", declared(Format::fp16, Method::two_pass), [](const Problem& p, Tensor& y) {
        attention_rows({.method = Method::two_pass, .guard_empty = false, .mask_by_neg_inf = true},
                       p, y);
      });
  // Mutant: the mask is a finite additive sentinel, s - 10000, over all n keys. Real-world
  // cause: BERT-style extended attention masks ((1 - mask) * -10000 added to the scores); a
  // masked key whose score exceeds the visible ones by more than 10000 (large Q, K: fp16
  // scores of 1e4..6e4) takes the weight, and a fully masked row averages the masked V.
  register_mutant(
      "mutant.attention.fp16.finite_mask_sentinel", "attention", "attention.fp16.fp32acc.tiled",
      "mask by adding -10000 to masked scores: large scores and fully masked rows unmask",
      "finite_mask_sentinel", declared(Format::fp16, Method::tiled),
      [](const Problem& p, Tensor& y) {
        attention_rows({.method = Method::tiled, .block = 8, .mask_sentinel = -10000.0f}, p, y);
      });
  // Mutant: the tiled kernel rescales the running sum l but not the output accumulator when
  // a later tile raises the max. Real-world cause: flash-attention ports that fold the
  // exp(m_old - m_new) correction into l only (or apply it to acc one tile late).
  register_mutant(
      "mutant.attention.bf16.tiled_missing_acc_rescale", "attention",
      "attention.bf16.fp32acc.tiled", "tiled attention: acc is not rescaled when the max grows",
      "online_missing_rescale", declared(Format::bf16, Method::tiled),
      [](const Problem& p, Tensor& y) {
        attention_rows({.method = Method::tiled, .block = 8, .rescale_acc = false}, p, y);
      });
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
