// Mutant: the fp32 -> bf16 output conversion truncates (keeps the high 16 bits, `bits >> 16`)
// instead of rounding to nearest even. Real-world cause: hand-written float-to-bfloat16
// conversions in epilogues and serialization code (docs/REFERENCE.md: "truncation (bits >> 16) is
// a classic bug"). Right whenever the fp32 result's low 16 bits are zero (small integers,
// exactly representable results); otherwise biased toward zero by up to one bf16 ulp. A NaN
// whose payload lives only in the low bits even becomes an infinity.
#include <bit>

#include "kernels_under_test/cpu/sequential.h"
#include "kernels_under_test/mutants/register_mutant.h"

namespace numguard::kernels {
namespace {

uint64_t truncate_to_bf16(double y, Format, Rounding) {
  return std::bit_cast<uint32_t>(static_cast<float>(y)) >> 16;  // the bug
}

const bool registered = [] {
  const Sequential algo;
  const Arithmetic actual{
      .in = Format::bf16, .acc = Format::fp32, .out = Format::bf16, .convert = truncate_to_bf16};
  register_mutant(
      "mutant.gemm.bf16.truncating_output", "gemm", "gemm.bf16.fp32acc.sequential.bf16out",
      "fp32 -> bf16 output conversion truncates (bits >> 16) instead of RNE", "out_rounding=rz",
      reduction_recipe("gemm", Format::bf16, Format::fp32, algo.shape(), Sequential::fuses_products,
                       Format::bf16, Rounding::rne),
      [algo, actual](const Problem& p, Tensor& y) { run_reduction(algo, actual, p, y); });
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
