// Mutants of BLAS's scalar semantics: reference BLAS (and cuBLAS) do not read A and B when
// alpha == 0 and do not read C when beta == 0, so NaN or inf there must not reach the output.
// Real-world causes: an epilogue written as `alpha * acc + beta * c` without the two branches
// (a NaN in an uninitialized C buffer reaches every output of a beta = 0 GEMM), and a kernel
// that runs its main loop for alpha == 0 and scales afterwards (an optimized sgemm of a widely
// used BLAS returned NaN for alpha = 0 with NaN in A). Only the api_corners generator draws
// alpha = 0, beta = 0 with C given, and NaN in the operand not read (tests/cli_corner_test.sh
// shows the other generators pass both).
// The third: a fast path for alpha = beta = 1 (a residual add) written as "accumulate into D",
// correct only when the caller passes D == C (cuBLAS and PyTorch's addmm allow C != D). Only
// api_corners and transformer (its residual epilogue) draw alpha = beta = 1 exactly; the other
// generators' epilogues draw alpha from [0.5, 2].
#include "kernels_under_test/cpu/sequential.h"
#include "kernels_under_test/mutants/register_mutant.h"

namespace numguard::kernels {
namespace {

void register_epilogue_mutant(const char* name, const char* bug, const char* mechanism,
                              bool ab_at_alpha0, bool c_at_beta0, bool c_dropped = false) {
  const Sequential algo;
  const Arithmetic actual{.in = Format::fp32,
                          .acc = Format::fp32,
                          .out = Format::fp32,
                          .ab_at_alpha0 = ab_at_alpha0,
                          .c_at_beta0 = c_at_beta0,
                          .c_dropped_at_unit_scalars = c_dropped};
  register_mutant(
      name, "gemm", "gemm.fp32.fp32acc.sequential", bug, mechanism,
      reduction_recipe("gemm", Format::fp32, Format::fp32, algo.shape(), Sequential::fuses_products,
                       Format::fp32),
      [algo, actual](const Problem& p, Tensor& y) { run_reduction(algo, actual, p, y); });
}

const bool registered = [] {
  register_epilogue_mutant("mutant.gemm.fp32.beta0_reads_c",
                           "beta == 0 still reads C: y = alpha ab + 0 * c, NaN or inf in C "
                           "reaches the output",
                           "beta0_reads_c", false, true);
  register_epilogue_mutant("mutant.gemm.fp32.alpha0_reads_ab",
                           "alpha == 0 still computes a b: y = 0 * acc (+ beta c), NaN or inf in "
                           "A or B reaches the output",
                           "alpha0_reads_ab", true, false);
  register_epilogue_mutant("mutant.gemm.fp32.unit_scalars_drop_c",
                           "alpha == beta == 1 fast path accumulates into D in place, assuming D "
                           "aliases C: with C and D separate buffers C is dropped (y = a b)",
                           "unit_scalars_drop_c", false, false, true);
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
