// softplus mutants: each declares the recipe of the correct kernel it imitates
// (softplus.<in>.fp32acc.direct, softplus_math.h).
#include "kernels_under_test/cpu/activation.h"
#include "kernels_under_test/cpu/formula_variants.h"
#include "kernels_under_test/cpu/row_kernel.h"
#include "kernels_under_test/cpu/softplus_math.h"
#include "kernels_under_test/mutants/register_mutant.h"

namespace numguard::kernels {
namespace {

namespace fm = fp32math;

Recipe declared(Format in) {
  return row_recipe({.in = in, .out = in, .method = Method::direct, .math_ulps = fm::kExpLogUlps});
}

const bool registered = [] {
  register_mutant("mutant.softplus.bf16.no_threshold", "softplus", "softplus.bf16.fp32acc.direct",
                  "log1p(exp(t)) without the t > 20 threshold: exp overflows beyond 88.7",
                  "softplus_no_threshold", declared(Format::bf16), [](const Problem& p, Tensor& y) {
                    activation_rows(variants::softplus_no_threshold, false, p, y);
                  });
  register_mutant("mutant.softplus.fp32.log_of_one_plus_exp", "softplus",
                  "softplus.fp32.fp32acc.direct",
                  "log(1 + exp(t)) instead of log1p(exp(t)): wrong for t < -8, 0 below -16.6",
                  "log_of_one_plus", declared(Format::fp32), [](const Problem& p, Tensor& y) {
                    activation_rows(variants::softplus_log_of_one_plus, false, p, y);
                  });
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
