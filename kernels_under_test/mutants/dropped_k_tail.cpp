// Mutant: a K-tiled GEMM whose main loop runs over full 32-wide K tiles only, so the last
// K mod 32 products are never accumulated. Real-world cause: a missing or mis-predicated
// epilogue tile when K is not a multiple of the tile (docs/REFERENCE.md, known bug mechanisms:
// dropped or double-counted tail tiles). Exactly right whenever K mod 32 == 0, which is what
// most benchmark shapes use.
#include "kernels_under_test/cpu/blocked.h"
#include "kernels_under_test/mutants/register_mutant.h"

namespace numguard::kernels {
namespace {

struct BlockedWithoutTail {
  template <class R, bool P>
  double operator()(const R& round, const Terms<P>& t) const {
    double total = 0.0;
    for (int64_t lo = 0; lo + 32 <= t.k; lo += 32) {  // the bug: the tail tile is skipped
      const double tile = Sequential{}(round, t.sub(lo, 32));
      total = lo == 0 ? tile : add(round, total, tile);
    }
    return total;
  }
};

const bool registered = [] {
  const Blocked<32> imitated;
  const Arithmetic actual{.in = Format::fp16, .acc = Format::fp32, .out = Format::fp32};
  register_mutant(
      "mutant.gemm.fp16.dropped_k_tail", "gemm", "gemm.fp16.fp32acc.blocked32",
      "the last K mod 32 products are dropped", "k_tail_dropped=32",
      reduction_recipe("gemm", Format::fp16, Format::fp32, imitated.shape(),
                       Blocked<32>::fuses_products, Format::fp32),
      [actual](const Problem& p, Tensor& y) { run_reduction(BlockedWithoutTail{}, actual, p, y); });
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
