// Mutant: a Hopper fp16 tensor-core twin that keeps 24 fractional bits in the block alignment
// (Ampere's width) while declaring Hopper's 25. Real-world cause: a CPU twin or simulator
// whose preset was copied from the previous architecture; published Hopper measurements show
// f = 25 (docs/REFERENCE.md, Tensor-core arithmetic; Khattak & Mikaitis 2025). Right on many
// inputs: it differs only when some term has a nonzero bit exactly 25 places below the
// block's leading exponent and that bit survives the final RZ rounding, e.g. for
// C = 1 + 4 * (0.5 * 2^-24) (Hopper 0x3f800001, this mutant 0x3f800000); small-integer
// inputs never show it.
#include "kernels_under_test/cpu/tensor_core_algorithm.h"
#include "kernels_under_test/mutants/register_mutant.h"

namespace numguard::kernels {
namespace {

const bool registered = [] {
  const tc::TcModel declared = tc::preset("hopper", Format::fp16, Format::fp32);
  tc::TcModel actual_model = declared;
  actual_model.frac_bits = 24;  // the bug
  const TensorCoreBlocks algo{.model = actual_model, .acc = Format::fp32};
  const Arithmetic actual{.in = Format::fp16, .acc = Format::fp32, .out = Format::fp32};
  register_mutant(
      "mutant.gemm.fp16.tc-hopper.missing_frac_bit", "gemm", "gemm.fp16.tc-hopper",
      "tensor-core alignment keeps 24 fractional bits while declaring 25", "frac_bits=24",
      tensor_core_recipe(Format::fp16, Format::fp32, declared),
      [algo, actual](const Problem& p, Tensor& y) { run_tensor_core(algo, actual, p, y); });
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
