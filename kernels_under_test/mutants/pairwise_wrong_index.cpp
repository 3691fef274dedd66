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

struct PairwiseWrongIndex {
  template <class R, bool P>
  double operator()(const R& round, const Terms<P>& t) const {
    return t.k == 0 ? 0.0 : reduce(round, t, 0, t.k);
  }

 private:
  template <class R, bool P>
  static double reduce(const R& round, const Terms<P>& t, int64_t lo, int64_t n) {
    switch (n) {  // the unrolled last level
      case 1:
        return round(t[lo]);
      case 2:
        return add(round, round(t[lo]), round(t[lo + 1]));
      case 3:  // the bug: the right pair should be t[lo + 1] + t[lo + 2]
        return add(round, round(t[lo]), add(round, round(t[lo]), round(t[lo + 1])));
      default: {
        const int64_t h = n / 2;
        return add(round, reduce(round, t, lo, h), reduce(round, t, lo + h, n - h));
      }
    }
  }
};

const bool registered = [] {
  const Pairwise imitated;
  const Arithmetic actual{
      .sum = true, .in = Format::fp32, .acc = Format::fp32, .out = Format::fp32};
  register_mutant(
      "mutant.sum.fp32.pairwise_wrong_index", "sum", "sum.fp32.fp32acc.pairwise",
      "the three-term node of the pairwise tree reads x0 + (x0 + x1)",
      reduction_recipe("sum", Format::fp32, Format::fp32, imitated.shape(),
                       Pairwise::fuses_products, Format::fp32),
      [actual](const Problem& p, Tensor& y) { run_reduction(PairwiseWrongIndex{}, actual, p, y); });
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
