// Mutant: a bf16 sum that reduces in bf16 while its recipe promises fp32 accumulation.
// Real-world cause: reductions (sum, cumsum, norms of gradients) whose accumulator type is the
// tensor's dtype (docs/REFERENCE.md, known bug mechanisms). Right for short sums of values whose
// partial sums fit in 8 bits; summing ones stagnates at 256.
#include "kernels_under_test/cpu/sequential.h"
#include "kernels_under_test/mutants/register_mutant.h"

namespace numguard::kernels {
namespace {

const bool registered = [] {
  const Sequential algo;
  const Arithmetic actual{
      .sum = true, .in = Format::bf16, .acc = Format::bf16, .out = Format::fp32};
  register_mutant(
      "mutant.sum.bf16.bf16_accumulation", "sum", "sum.bf16.fp32acc.sequential",
      "reduces in bf16 while declaring fp32 accumulation", "acc_format=bf16",
      reduction_recipe("sum", Format::bf16, Format::fp32, algo.shape(), Sequential::fuses_products,
                       Format::fp32),
      [algo, actual](const Problem& p, Tensor& y) { run_reduction(algo, actual, p, y); });
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
