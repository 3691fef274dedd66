// Mutant: split-K whose partials are written to a bf16 workspace and reduced in bf16, while
// the recipe promises fp32 partials reduced in fp32. Real-world cause: the split-K workspace
// (or the reduction kernel's accumulator) allocated in the output / input dtype
// (docs/REFERENCE.md, known bug mechanisms: reducing split-K partials in the input format). Each
// chunk itself accumulates correctly in fp32, so the result is right whenever the partials
// and their running sum are exact in bf16 (small integers), and K <= 1 has one chunk only.
#include <algorithm>

#include "kernels_under_test/cpu/order_variants.h"
#include "kernels_under_test/cpu/split_k.h"
#include "kernels_under_test/mutants/register_mutant.h"

namespace numguard::kernels {
namespace {

// The bug: partials written to bf16 and the reduction over them run in bf16.
const SplitKRuntime<> kBug{.splits = 4, .partial = Format::bf16, .reduce = Format::bf16};

const bool registered = [] {
  const SplitK<4> imitated{.partial = Format::fp32};
  const Arithmetic actual{.in = Format::bf16, .acc = Format::fp32, .out = Format::fp32};
  register_mutant("mutant.gemm.bf16.splitk_bf16_reduce", "gemm", "gemm.bf16.fp32acc.splitk4",
                  "split-K partials stored and reduced in bf16 while declaring fp32 partials",
                  "split_k_reduce=bf16",
                  reduction_recipe("gemm", Format::bf16, Format::fp32, imitated.shape(),
                                   SplitK<4>::fuses_products, Format::fp32),
                  [actual](const Problem& p, Tensor& y) { run_reduction(kBug, actual, p, y); });
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
