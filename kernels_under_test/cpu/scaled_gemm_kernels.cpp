// Block-scaled GEMM kernels over given MX tensors (op scaled_gemm) on the matrix-unit model:
// "scaled_gemm.<element>.tc-blackwell" (scaled_gemm_kernel.h).
#include "kernels_under_test/cpu/reduction_kernel.h"
#include "kernels_under_test/cpu/scaled_gemm_kernel.h"

namespace numguard::kernels {
namespace {

const bool registered = [] {
  for (Format element : {Format::e4m3, Format::e5m2, Format::e2m1}) {
    const ScaledGemmArithmetic arith{.element = element};
    register_kernel(
        cpu_kernel("scaled_gemm." + std::string(name(element)) + ".tc-blackwell", "scaled_gemm",
                   scaled_gemm_recipe(element),
                   [arith](const Problem& p, Tensor& y) { run_scaled_gemm(arith, p, y); }));
  }
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
