// The CUDA-core reductions of reductions.cu in the kernel table: device cuda, twin
// `<name>.twin` (kernels_under_test/cpu/twin_reductions.cpp), the twin's recipe ("strided":
// 32 lanes for the warp-per-row sums, 256 for the block-per-dot-product FMA dot).
#include "kernels_under_test/cpu/twin_kernels.h"
#include "kernels_under_test/cuda/register_common.h"

namespace numguard::cuda {
namespace {

void register_rows(const std::string& name, Format in, bool squares) {
  const std::string_view op = squares ? "sumsq" : "sum";
  const VecInput vin = in == Format::bf16 ? VecInput::bf16 : VecInput::fp16;
  kernels::register_kernel(cuda_kernel(
      name, op, kernels::strided_recipe(op, in, 32),
      [in, vin, squares](const Problem& p, Tensor& out) {
        require_inputs(p, in, false);
        const Epilogue e = epilogue_of(p, Format::fp32);
        Problem rows = p;
        rows.n = 1;  // one output per row of a
        Tensor y(Format::fp32, {p.m, 1});
        y.bits = rows_warp(vin, squares, p.m, p.k, p.a.bits, c_in(rows, Format::fp32, e), e);
        out = std::move(y);
      },
      name + ".twin"));
}

void register_dot(const std::string& name, Format in) {
  const VecInput vin = in == Format::bf16 ? VecInput::bf16 : VecInput::fp16;
  kernels::register_kernel(cuda_kernel(
      name, "dot", kernels::strided_recipe("dot", in, 256),
      [in, vin](const Problem& p, Tensor& out) {
        require_inputs(p, in, true);
        const Epilogue e = epilogue_of(p, Format::fp32);
        Tensor y(Format::fp32, {p.m, p.n});
        y.bits =
            dot_cuda_core(vin, {p.m, p.n, p.k}, p.a.bits, p.b.bits, c_in(p, Format::fp32, e), e);
        out = std::move(y);
      },
      name + ".twin"));
}

const bool registered = [] {
  for (Format in : {Format::fp16, Format::bf16}) {
    const std::string f(name(in));
    register_rows("sum." + f + ".fp32acc.warp", in, false);
    register_rows("sumsq." + f + ".fp32acc.warp", in, true);
    register_dot("dot." + f + ".fp32acc.cuda-core", in);
  }
  return true;
}();

}  // namespace
}  // namespace numguard::cuda
