// norm mutants.
#include "kernels_under_test/cpu/norm_rows.h"
#include "kernels_under_test/cpu/row_kernel.h"
#include "kernels_under_test/mutants/register_mutant.h"

namespace numguard::kernels {
namespace {

Recipe declared(Format in, Method m) {
  return row_recipe({.in = in, .out = in, .method = m});
}

const bool registered = [] {
  // Mutant: var = E[x^2] - E[x]^2 in one fp32 pass. Real-world cause: the "one-pass" variance
  // of fused norm kernels and textbook code; on a row with a large common offset and a small
  // spread the two terms cancel, leaving rounding noise of u E[x^2]: a wrong, zero or negative
  // variance (NaN from sqrtf, or rstd = 1/sqrt(eps)).
  register_mutant(
      "mutant.layernorm.fp32.naive_variance", "layernorm", "layernorm.fp32.fp32acc.twopass",
      "variance as E[x^2] - E[x]^2 in fp32: cancels on rows with a large offset", "naive_variance",
      declared(Format::fp32, Method::two_pass), [](const Problem& p, Tensor& y) {
        norm_rows({.method = Method::two_pass, .naive_variance = true}, p, y);
      });
  // Mutant: var + eps computed in fp16. Real-world cause: a half-precision epilogue (or eps
  // stored as a half constant); eps = 1e-12 rounds to 0 in fp16, so a constant row gives
  // 1/sqrt(0) = inf and 0 * inf = NaN, and var itself loses 13 bits (or underflows).
  register_mutant(
      "mutant.layernorm.fp16.eps_in_fp16", "layernorm", "layernorm.fp16.fp32acc.twopass",
      "var + eps rounded to fp16: eps = 1e-12 vanishes, constant rows give NaN", "eps_in=fp16",
      declared(Format::fp16, Method::two_pass), [](const Problem& p, Tensor& y) {
        norm_rows({.method = Method::two_pass, .eps_add = Format::fp16}, p, y);
      });
  // Mutant: RMSNorm's sum of squares accumulated in fp16. Real-world cause: accumulating in
  // the input type (at::Half accumulators, fp16 warp reductions); overflows to inf once
  // sum x^2 > 65504 (an rms of |x| above 256 / sqrt(n): rstd = 0, y = 0) and rounds every
  // partial sum to 11 bits.
  register_mutant("mutant.rmsnorm.fp16.fp16_sumsq", "rmsnorm", "rmsnorm.fp16.fp32acc.direct",
                  "sum of squares accumulated in fp16: overflows and loses precision",
                  "acc_format=fp16", declared(Format::fp16, Method::direct),
                  [](const Problem& p, Tensor& y) {
                    norm_rows({.rms = true, .sumsq_acc = Format::fp16}, p, y);
                  });
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
