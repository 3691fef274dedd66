// Twins of the tensor-core GEMMs of kernels_under_test/cuda/gemm_mma.cu (orders: twin_kernels.h,
// docs/kernels.md "CUDA kernels"): the block model of the twins' architecture chained over K
// from k = 0, or per split-K chunk. Their recipes and models follow the architecture the
// registry binds (twin_arch.h).
#include "kernels_under_test/cpu/twin_kernels.h"

namespace numguard::kernels {
namespace {

void register_mma_twin(const std::string& cuda_name, Format in, Format acc) {
  register_kernel(arch_dependent(
      twin_kernel(cuda_name, "gemm", {}, {}), [in, acc](KernelDesc& d, std::string_view arch) {
        d.recipe = mma_gemm_recipe(arch, in, acc);
        d.run = [arch = std::string(arch), in, acc](const Problem& p, Tensor& out) {
          run_mma_gemm(arch, in, acc, p, out);
        };
      }));
}

const bool registered = [] {
  register_mma_twin("gemm.fp16.tc-mma", Format::fp16, Format::fp32);
  register_mma_twin("gemm.bf16.tc-mma", Format::bf16, Format::fp32);
  register_mma_twin("gemm.tf32.tc-mma", Format::tf32, Format::fp32);
  register_mma_twin("gemm.fp16.tc-mma.fp16acc", Format::fp16, Format::fp16);

  register_kernel(arch_dependent(twin_kernel("gemm.fp16.tc-mma.splitk4", "gemm", {}, {}),
                                 [](KernelDesc& d, std::string_view arch) {
                                   d.recipe = mma_splitk_recipe(arch, Format::fp16, 4);
                                   d.run = [arch = std::string(arch)](const Problem& p,
                                                                      Tensor& out) {
                                     run_mma_splitk(arch, 4, false, p, out);
                                   };
                                 }));
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
