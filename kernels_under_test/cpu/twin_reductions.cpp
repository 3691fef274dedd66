// Twins of the CUDA-core reductions of kernels_under_test/cuda/reductions.cu (orders:
// twin_kernels.h, docs/kernels.md "CUDA kernels"): the warp-per-row sum and sum of squares
// (32 lanes) and the block-per-dot-product FMA dot (256 lanes).
#include "kernels_under_test/cpu/twin_kernels.h"

namespace numguard::kernels {
namespace {

void register_strided_twin(const std::string& cuda_name, std::string_view op, Format in,
                           const StridedButterfly& algo) {
  const std::string op_name(op);
  register_twin(cuda_name, op, strided_recipe(op, in, algo.lanes),
                [algo, op_name, in](const Problem& p, Tensor& out) {
                  run_strided(algo, op_name, in, p, out);
                });
}

const bool registered = [] {
  for (Format in : {Format::fp16, Format::bf16}) {
    const std::string f(name(in));
    register_strided_twin("sum." + f + ".fp32acc.warp", "sum", in, warp_butterfly(false));
    register_strided_twin("sumsq." + f + ".fp32acc.warp", "sumsq", in, warp_butterfly(true));
    register_strided_twin("dot." + f + ".fp32acc.cuda-core", "dot", in, block_butterfly());
  }
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
