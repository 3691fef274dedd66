// softplus mutants: each declares the recipe of the correct kernel it imitates
// (softplus.<in>.fp32acc.direct, softplus_math.h).
#include "kernels_under_test/cpu/activation.h"
#include "kernels_under_test/cpu/row_kernel.h"
#include "kernels_under_test/cpu/softplus_math.h"
#include "kernels_under_test/mutants/register_mutant.h"

namespace numguard::kernels {
namespace {

namespace fm = fp32math;

Recipe declared(Format in) {
  return row_recipe({.in = in, .out = in, .method = Method::direct, .math_ulps = fm::kExpLogUlps});
}

// log1p(exp(t)) without the threshold branch: exp(t) overflows fp32 from t = 88.73 on, and
// log1p(inf) = inf where softplus(t) is about t. Real-world cause: the textbook formula
// vectorized without PyTorch's `t > threshold ? t : ...` select (or with the threshold as a
// parameter that a fused kernel drops).
float softplus_no_threshold(float t) {
  return act::log1p_goldberg(fm::exp(t));
}

// log(1 + exp(t)) instead of log1p: 1 + e rounds away the low bits of e, so for t below about
// -8 the result loses relative accuracy and is exactly 0 once e < 2^-24 (t < -16.6), where
// softplus(t) is about e^t. Real-world cause: log1p is missing from the vector math library
// (or from a hand-written CUDA kernel's intrinsics) and the formula is written out.
float softplus_log_of_one_plus(float t) {
  if (t > act::kSoftplusThreshold) return t;
  return fm::log(1.0f + fm::exp(t));
}

const bool registered = [] {
  register_mutant("mutant.softplus.bf16.no_threshold", "softplus", "softplus.bf16.fp32acc.direct",
                  "log1p(exp(t)) without the t > 20 threshold: exp overflows beyond 88.7",
                  declared(Format::bf16), [](const Problem& p, Tensor& y) {
                    activation_rows(softplus_no_threshold, false, p, y);
                  });
  register_mutant(
      "mutant.softplus.fp32.log_of_one_plus_exp", "softplus", "softplus.fp32.fp32acc.direct",
      "log(1 + exp(t)) instead of log1p(exp(t)): wrong for t < -8, 0 below -16.6",
      declared(Format::fp32),
      [](const Problem& p, Tensor& y) { activation_rows(softplus_log_of_one_plus, false, p, y); });
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
