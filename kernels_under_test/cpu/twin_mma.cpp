// Twins of the tensor-core GEMMs of kernels_under_test/cuda/gemm_mma.cu (orders: twin_kernels.h,
// docs/kernels.md "CUDA kernels"): the block model of twin_arch() chained over K from k = 0,
// or per split-K chunk. Their recipes follow the twin architecture (twin_arch.h).
#include "kernels_under_test/cpu/twin_kernels.h"

namespace numguard::kernels {
namespace {

void register_mma_twin(const std::string& cuda_name, Format in, Format acc) {
  register_twin(cuda_name, "gemm", mma_gemm_recipe(twin_arch(), in, acc),
                [in, acc](const Problem& p, Tensor& out) { run_mma_gemm(in, acc, p, out); });
  declare_arch_recipe(cuda_name + ".twin",
                      [in, acc](std::string_view arch) { return mma_gemm_recipe(arch, in, acc); });
}

const bool registered = [] {
  register_mma_twin("gemm.fp16.tc-mma", Format::fp16, Format::fp32);
  register_mma_twin("gemm.bf16.tc-mma", Format::bf16, Format::fp32);
  register_mma_twin("gemm.tf32.tc-mma", Format::tf32, Format::fp32);
  register_mma_twin("gemm.fp16.tc-mma.fp16acc", Format::fp16, Format::fp16);

  register_twin("gemm.fp16.tc-mma.splitk4", "gemm", mma_splitk_recipe(twin_arch(), Format::fp16, 4),
                [](const Problem& p, Tensor& out) { run_mma_splitk(4, false, p, out); });
  declare_arch_recipe("gemm.fp16.tc-mma.splitk4.twin", [](std::string_view arch) {
    return mma_splitk_recipe(arch, Format::fp16, 4);
  });
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
