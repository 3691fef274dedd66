// Block-scaled GEMM kernels over given tensors on the matrix-unit model (scaled_gemm_kernel.h):
// "scaled_gemm.<element>.tc-blackwell" (MX elements, E8M0 per 32) and
// "nvfp4_gemm.e2m1.tc-blackwell" (UE4M3 per 16 and the fp32 tensor scales); ".zero_group_scales":
// fp4 with a group of zero products aligned at its scales.
#include "kernels_under_test/cpu/reduction_kernel.h"
#include "kernels_under_test/cpu/scaled_gemm_kernel.h"

namespace numguard::kernels {
namespace {

void register_scaled(const std::string& name, const std::string& op, ScaledGemmArithmetic arith) {
  register_kernel(
      cpu_kernel(name, op, scaled_gemm_recipe(arith),
                 [arith](const Problem& p, Tensor& y) { run_scaled_gemm(arith, p, y); }));
}

const bool registered = [] {
  for (Format element : {Format::e4m3, Format::e5m2, Format::e3m2, Format::e2m3, Format::e2m1})
    register_scaled("scaled_gemm." + std::string(name(element)) + ".tc-blackwell", "scaled_gemm",
                    mx_operands(element));
  register_scaled("nvfp4_gemm.e2m1.tc-blackwell", "nvfp4_gemm", nvfp4_operands());
  // The other reading of zero groups (correct kernels if the hardware follows MMA-Sim's
  // functions.py): the bound must hold for both.
  ScaledGemmArithmetic mxfp4 = mx_operands(Format::e2m1), nvfp4 = nvfp4_operands();
  mxfp4.zero_group_at_scales = nvfp4.zero_group_at_scales = true;
  register_scaled("scaled_gemm.e2m1.tc-blackwell.zero_group_scales", "scaled_gemm", mxfp4);
  register_scaled("nvfp4_gemm.e2m1.tc-blackwell.zero_group_scales", "nvfp4_gemm", nvfp4);
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
