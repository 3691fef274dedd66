// Mutant: an fp16 GEMM that accumulates in fp16 while its recipe promises fp32 accumulation.
// Real-world cause: the accumulator or reduction buffer is allocated in the input dtype
// (docs/REFERENCE.md, known bug mechanisms: accumulating or reducing in the input format), e.g. a
// CUDA-core fallback path templated on one scalar type, or HGEMM selected with a 16-bit
// compute type. Right whenever every partial sum is exact in fp16 (small integers, short K);
// wrong once partial sums need more than 11 bits, and stagnant at 2048 when summing ones.
#include "kernels_under_test/cpu/sequential.h"
#include "kernels_under_test/mutants/register_mutant.h"

namespace numguard::kernels {
namespace {

const bool registered = [] {
  const Sequential algo;
  const Arithmetic actual{.in = Format::fp16, .acc = Format::fp16, .out = Format::fp32};
  register_mutant(
      "mutant.gemm.fp16.fp16_accumulation", "gemm", "gemm.fp16.fp32acc.sequential",
      "accumulates in fp16 while declaring fp32 accumulation", "acc_format=fp16",
      reduction_recipe("gemm", Format::fp16, Format::fp32, algo.shape(), Sequential::fuses_products,
                       Format::fp32),
      [algo, actual](const Problem& p, Tensor& y) { run_reduction(algo, actual, p, y); });
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
