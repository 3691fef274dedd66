// Kernels that accumulate in fp32: every algorithm of this folder over the fp16, bf16, tf32
// and fp32 inputs of dot, sum and gemm, 60 kernels named "<op>.<in>.fp32acc.<algorithm>".
// The output is fp32 (no conversion). Why one file: the list is a table, the algorithms live
// in their own headers.
#include "kernels_under_test/cpu/blocked.h"
#include "kernels_under_test/cpu/kahan.h"
#include "kernels_under_test/cpu/pairwise.h"
#include "kernels_under_test/cpu/sequential.h"
#include "kernels_under_test/cpu/split_k.h"

namespace numguard::kernels {
namespace {

const bool registered = [] {
  for (const char* op : {"dot", "sum", "gemm"}) {
    for (Format in : {Format::fp16, Format::bf16, Format::tf32, Format::fp32}) {
      register_reduction(op, in, Format::fp32, Sequential{});
      register_reduction(op, in, Format::fp32, Pairwise{});
      register_reduction(op, in, Format::fp32, Blocked<32>{});
      register_reduction(op, in, Format::fp32, Kahan{});
      register_reduction(op, in, Format::fp32, SplitK<4>{.partial = Format::fp32});
    }
  }
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
