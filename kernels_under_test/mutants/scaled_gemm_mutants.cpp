// Mutants of block-scaled GEMMs over given MX tensors (op scaled_gemm), from the mistakes of
// the adapters that pass scale tensors to vendor kernels: E8M0 read with bias 128 instead of
// 127 (every product a quarter of its value); B's scales read in the other layout (n x k/32
// for k/32 x n: right only where one scale serves a whole column); and a last, short block
// read with the scale before it (a scale count of floor(k / 32)).
#include "kernels_under_test/cpu/scaled_gemm_kernel.h"
#include "kernels_under_test/mutants/register_mutant.h"

namespace numguard::kernels {
namespace {

void register_scaled_mutant(const char* name, ScaledGemmArithmetic actual, const char* bug,
                            const char* mechanism) {
  register_mutant(name, "scaled_gemm", "scaled_gemm.e4m3.tc-blackwell", bug, mechanism,
                  scaled_gemm_recipe(actual.element),
                  [actual](const Problem& p, Tensor& y) { run_scaled_gemm(actual, p, y); });
}

const bool registered = [] {
  register_scaled_mutant(
      "mutant.scaled_gemm.e4m3.scale_bias_128", {.element = Format::e4m3, .scale_bias = 128},
      "E8M0 scales decoded as 2^(e - 128): every scale halved", "scale_bias=128");
  register_scaled_mutant("mutant.scaled_gemm.e4m3.b_scales_transposed",
                         {.element = Format::e4m3, .b_scales_n_major = true},
                         "B's scales read as n x k/32 where they are k/32 x n", "scales_b=n_major");
  register_scaled_mutant("mutant.scaled_gemm.e4m3.short_block_scale",
                         {.element = Format::e4m3, .short_block_shares_scale = true},
                         "the last block of k % 32 elements read with the scale before it "
                         "(floor(k / 32) scales)",
                         "short_block=previous_scale");
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
