// Kernels that accumulate in their 16-bit input format, honestly declared (recipe acc = in):
// fp16 inputs in fp16, bf16 inputs in bf16, the output in that format too. These are the
// kernels a framework runs when it reduces "in the tensor's dtype" (docs/REFERENCE.md, known bug
// mechanisms: accumulating or reducing in the input format); declared truthfully they are
// correct, and their derived bounds show why nobody should want them for long reductions:
// summing ones stagnates at 2048 in fp16 and at 256 in bf16. Split-K partials are stored in
// the accumulation format.
#include "kernels_under_test/cpu/blocked.h"
#include "kernels_under_test/cpu/kahan.h"
#include "kernels_under_test/cpu/pairwise.h"
#include "kernels_under_test/cpu/sequential.h"
#include "kernels_under_test/cpu/split_k.h"

namespace numguard::kernels {
namespace {

const bool registered = [] {
  for (const char* op : {"dot", "sum", "gemm"}) {
    for (Format f : {Format::fp16, Format::bf16}) {
      register_reduction(op, f, f, Sequential{});
      register_reduction(op, f, f, Pairwise{});
      register_reduction(op, f, f, Blocked<32>{});
      register_reduction(op, f, f, Kahan{});
      register_reduction(op, f, f, SplitK<4>{.partial = f});
    }
  }
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
