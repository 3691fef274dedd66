// cross_entropy, adam and amax mutants.
#include "kernels_under_test/cpu/adam_step.h"
#include "kernels_under_test/cpu/amax_rows.h"
#include "kernels_under_test/cpu/cross_entropy_rows.h"
#include "kernels_under_test/cpu/fp32_math.h"
#include "kernels_under_test/cpu/row_kernel.h"
#include "kernels_under_test/mutants/register_mutant.h"

namespace numguard::kernels {
namespace {

const bool registered = [] {
  // Mutant: the batch sum of the row losses kept in fp16, while the recipe promises fp32.
  // Real-world cause: a loss reduction that accumulates in the logits' dtype (docs/REFERENCE.md,
  // "loss reduction overflowing fp16"); at 64 rows of losses ~8 the partial sums reach ~500,
  // where fp16's spacing is 0.25-0.5, and large batches overflow 65504.
  register_mutant(
      "mutant.cross_entropy.fp16.fp16_batch_sum", "cross_entropy",
      "cross_entropy.fp16.fp32acc.twopass",
      "the batch sum of row losses rounded to fp16 after every addition", "acc_format=fp16",
      row_recipe({.in = Format::fp16,
                  .out = Format::fp32,
                  .method = Method::two_pass,
                  .math_ulps = fp32math::kExpLogUlps}),
      [](const Problem& p, Tensor& y) { cross_entropy({.batch_stage = Format::fp16}, p, y); });
  // Mutant: Adam's denominator sqrt(vhat) + eps formed in fp16. Real-world cause: optimizer
  // math in the parameters' dtype (fp16 models without fp32 master state; docs/REFERENCE.md, "1e-8
  // in Adam"): eps = 1e-8 rounds to 0 in fp16 (smallest subnormal 6e-8), so a zero gradient
  // on zero state gives 0 / 0 = NaN, and a zero v with nonzero momentum gives inf.
  register_mutant(
      "mutant.adam.fp16.fp16_eps_underflow", "adam", "adam.fp16.fp32acc.direct",
      "sqrt(vhat) + eps computed in fp16: eps = 1e-8 rounds to 0, 0/0 = NaN", "eps_in=fp16",
      row_recipe({.in = Format::fp16, .out = Format::fp16, .math_ulps = fp32math::kExpLogUlps}),
      [](const Problem& p, Tensor& y) { adam_step({.denominator = Format::fp16}, p, y); });
  // Mutant: amax by fmaxf, which returns the other operand when one is NaN. Real-world cause:
  // max reductions written with fmaxf / torch.fmax semantics (docs/REFERENCE.md, "NaN-dropping
  // max/amax reductions"): a NaN activation gives a finite fp8 scale and the NaN is hidden.
  register_mutant("mutant.amax.bf16.nan_dropping_fmax", "amax", "amax.bf16.fp32acc.sequential",
                  "max |x| by fmaxf: NaN entries ignored, the row's amax comes out finite",
                  "nan_ignored", row_recipe({.in = Format::bf16, .out = Format::bf16}),
                  [](const Problem& p, Tensor& y) { amax_rows({.propagate_nan = false}, p, y); });
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
