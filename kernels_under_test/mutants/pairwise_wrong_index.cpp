// Mutant: pairwise summation with an unrolled last level whose three-term case indexes the
// right pair from the node's start instead of one past it: x0 + (x0 + x1) instead of
// x0 + (x1 + x2), so one term is counted twice and another dropped. Real-world cause:
// off-by-one in hand-unrolled tree reductions and odd-length tails (docs/REFERENCE.md, known bug
// mechanisms: dropped or double-counted tail tiles). Exactly right whenever no node of the
// tree has three terms (every power-of-two length, and 2, 4, 8, 9, 16, 17, ...) or the two
// terms involved are equal.
#include "kernels_under_test/cpu/pairwise.h"
#include "kernels_under_test/mutants/register_mutant.h"

namespace numguard::kernels {
namespace {

const bool registered = [] {
  const Pairwise imitated;
  const Arithmetic actual{
      .sum = true, .in = Format::fp32, .acc = Format::fp32, .out = Format::fp32};
  register_mutant("mutant.sum.fp32.pairwise_wrong_index", "sum", "sum.fp32.fp32acc.pairwise",
                  "the three-term node of the pairwise tree reads x0 + (x0 + x1)",
                  "pairwise_leaf_index",
                  reduction_recipe("sum", Format::fp32, Format::fp32, imitated.shape(),
                                   Pairwise::fuses_products, Format::fp32),
                  [actual](const Problem& p, Tensor& y) {
                    run_reduction(Pairwise{.three_term_leaf_bug = true}, actual, p, y);
                  });
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
