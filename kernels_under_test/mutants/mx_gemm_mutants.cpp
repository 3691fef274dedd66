// Mutants of block-scaled GEMMs (op mx_gemm), from the mechanisms of real quantization bugs:
// the specification's floor scale where the recipe (and the training recipe it follows) rounds
// the scale up, so a block's largest values saturate; elements converted without saturation
// (e4m3 has no inf: 448 < |x| gives NaN); and NVFP4 elements rounded to fp4 before the division
// by their block scale, a non-power-of-two scale then leaving them off the fp4 grid.
#include "kernels_under_test/cpu/mx_gemm_kernel.h"
#include "kernels_under_test/mutants/register_mutant.h"

namespace numguard::kernels {
namespace {

void register_mx_mutant(const char* name, const char* imitates, std::string_view block_format,
                        bool declared_up, MxGemmArithmetic actual, const char* bug,
                        const char* mechanism) {
  const mx::BlockFormat& f = *mx::find_block_format(block_format);
  register_mutant(name, "mx_gemm", imitates, bug, mechanism,
                  mx_gemm_recipe(Format::bf16, f, declared_up),
                  [actual](const Problem& p, Tensor& y) { run_mx_gemm(actual, p, y); });
}

const bool registered = [] {
  const BlockScaling e4m3{.block = 32, .element = Format::e4m3, .scale = Format::e8m0};
  register_mx_mutant("mutant.mx_gemm.bf16.mxfp8_e4m3.floor_scale",
                     "mx_gemm.bf16.mxfp8_e4m3.scale_up.tc-blackwell", "mxfp8_e4m3", true,
                     {.scaling = e4m3},
                     "block scale 2^(floor(log2 amax) - 8) where the recipe rounds it up: a "
                     "block's largest values saturate at 448",
                     "scale_rule=spec");
  register_mx_mutant("mutant.mx_gemm.bf16.mxfp8_e4m3.no_saturation",
                     "mx_gemm.bf16.mxfp8_e4m3.tc-blackwell", "mxfp8_e4m3", false,
                     {.scaling = e4m3, .saturate = false},
                     "elements converted without saturation: amax / X above 448 becomes e4m3's "
                     "NaN",
                     "no_saturation");
  const BlockScaling nvfp4{.block = 16, .element = Format::e2m1, .scale = Format::ue4m3};
  register_mx_mutant("mutant.mx_gemm.bf16.nvfp4.scale_after_rounding",
                     "mx_gemm.bf16.nvfp4.tc-blackwell", "nvfp4", false,
                     {.scaling = nvfp4, .scale_after_rounding = true},
                     "elements rounded to fp4 before the division by their block scale, the "
                     "quotient rounded again",
                     "scale_after_rounding");
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
