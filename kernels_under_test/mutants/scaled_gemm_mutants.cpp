// Mutants of block-scaled GEMMs over given tensors, from the mistakes of the adapters that pass
// scale tensors to vendor kernels. scaled_gemm (MX): E8M0 read with bias 128 instead of 127
// (every product a quarter of its value); B's scales read in the other layout (n x k/32 for
// k/32 x n: right only where one scale serves a whole column); a last, short block read with
// the scale before it (a scale count of floor(k / 32)); row-major scales read as cuBLAS's
// swizzled layout (the swizzle step left out of the adapter). nvfp4_gemm: the encode scale passed
// where the epilogue wants the decode scale (1 / (scale_a scale_b)); A's packed fp4 pairs read
// high nibble first (a checkpoint packed by one tool, read by another); the UE4M3 scales read
// one per 32 elements (the MXFP4 scale mode configured for NVFP4 tensors).
#include "kernels_under_test/cpu/scaled_gemm_kernel.h"
#include "kernels_under_test/mutants/register_mutant.h"

namespace numguard::kernels {
namespace {

void register_scaled_mutant(const char* name, ScaledGemmArithmetic actual, const char* bug,
                            const char* mechanism) {
  const bool nvfp4 = actual.scale == Format::ue4m3;
  register_mutant(name, nvfp4 ? "nvfp4_gemm" : "scaled_gemm",
                  nvfp4 ? "nvfp4_gemm.e2m1.tc-blackwell" : "scaled_gemm.e4m3.tc-blackwell", bug,
                  mechanism, scaled_gemm_recipe(actual),
                  [actual](const Problem& p, Tensor& y) { run_scaled_gemm(actual, p, y); });
}

ScaledGemmArithmetic mx(auto change) {
  ScaledGemmArithmetic a = mx_operands(Format::e4m3);
  change(a);
  return a;
}

ScaledGemmArithmetic nv(auto change) {
  ScaledGemmArithmetic a = nvfp4_operands();
  change(a);
  return a;
}

const bool registered = [] {
  using A = ScaledGemmArithmetic;
  register_scaled_mutant(
      "mutant.scaled_gemm.e4m3.scale_bias_128", mx([](A& a) { a.scale_bias = 128; }),
      "E8M0 scales decoded as 2^(e - 128): every scale halved", "scale_bias=128");
  register_scaled_mutant("mutant.scaled_gemm.e4m3.b_scales_transposed",
                         mx([](A& a) { a.b_scales_n_major = true; }),
                         "B's scales read as n x k/32 where they are k/32 x n", "scales_b=n_major");
  register_scaled_mutant("mutant.scaled_gemm.e4m3.short_block_scale",
                         mx([](A& a) { a.short_block_shares_scale = true; }),
                         "the last block of k % 32 elements read with the scale before it "
                         "(floor(k / 32) scales)",
                         "short_block=previous_scale");
  register_scaled_mutant("mutant.scaled_gemm.e4m3.scales_unswizzled",
                         mx([](A& a) { a.scales_read_blocked = true; }),
                         "row-major scales handed to a kernel that reads cuBLAS's blocked "
                         "(swizzled 128 x 4 tile) layout",
                         "scales=read_blocked");
  register_scaled_mutant("mutant.nvfp4_gemm.e2m1.inverted_tensor_scale",
                         nv([](A& a) { a.tensor_scale_inverted = true; }),
                         "the epilogue multiplies by 1 / (scale_a scale_b): the encode scale "
                         "passed as alpha",
                         "tensor_scale=inverted");
  register_scaled_mutant("mutant.nvfp4_gemm.e2m1.swapped_nibbles",
                         nv([](A& a) { a.a_nibbles_swapped = true; }),
                         "A's packed fp4 pairs read high nibble first: elements 2t and 2t + 1 "
                         "exchanged",
                         "nibbles_a=swapped");
  register_scaled_mutant(
      "mutant.nvfp4_gemm.e2m1.scales_per_32", nv([](A& a) { a.scale_block_read = 32; }),
      "the UE4M3 scales read one per 32 elements (the MXFP4 scale mode)", "scale_block=32");
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
