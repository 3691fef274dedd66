// softmax mutants.
#include "kernels_under_test/cpu/fp32_math.h"
#include "kernels_under_test/cpu/row_kernel.h"
#include "kernels_under_test/cpu/softmax_rows.h"
#include "kernels_under_test/mutants/register_mutant.h"

namespace numguard::kernels {
namespace {

Recipe declared(Format in, Method m) {
  return row_recipe({.in = in, .out = in, .method = m, .math_ulps = fp32math::kExpLogUlps});
}

const bool registered = [] {
  // Mutant: exp(x) without the max subtraction (staged in fp16), while the recipe promises
  // every input. Real-world cause: "naive" softmax in hand-written kernels and exported
  // graphs; exp overflows to inf for x > 11.09 in fp16 and inf / inf is NaN.
  register_mutant(
      "mutant.softmax.fp16.no_max_subtraction", "softmax", "softmax.fp16.fp32acc.twopass",
      "exp(x) without subtracting the row max, staged in fp16: inf/inf = NaN once x > 11.09",
      "no_max_subtraction", declared(Format::fp16, Method::two_pass),
      [](const Problem& p, Tensor& y) {
        softmax_rows({.method = Method::no_max, .stage = Format::fp16}, p, y);
      });
  // Mutant: online softmax that updates the running max but not the running sum. Real-world
  // cause: the rescale s * exp(m_old - m_new) forgotten or applied to the output accumulator
  // only (flash-attention ports).
  register_mutant("mutant.softmax.bf16.online_missing_rescale", "softmax",
                  "softmax.bf16.fp32acc.online",
                  "online softmax: the running sum is not rescaled when the running max grows",
                  "online_missing_rescale", declared(Format::bf16, Method::online),
                  [](const Problem& p, Tensor& y) {
                    softmax_rows({.method = Method::online, .rescale = false}, p, y);
                  });
  // Mutant: a row whose every logit is -inf (a fully masked row) gives zeros, while the kernel
  // declares PyTorch's semantics (NaN: 0 / 0). Real-world cause: the fully-masked-row guard of
  // attention kernels copied into a standalone softmax whose callers test for NaN rows. Only
  // the api_corners generator draws whole rows of -inf (tests/cli_corner_test.sh shows the
  // other generators pass it).
  register_mutant("mutant.softmax.fp32.empty_row_zeros", "softmax", "softmax.fp32.fp32acc.twopass",
                  "rows of all -inf give zeros instead of NaN (a masked-row guard)",
                  "empty_rows=zero", declared(Format::fp32, Method::two_pass),
                  [](const Problem& p, Tensor& y) {
                    softmax_rows({.method = Method::two_pass, .zero_empty_rows = true}, p, y);
                  });
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
