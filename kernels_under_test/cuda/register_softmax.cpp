// The warp-per-row softmax kernels of softmax.cu in the kernel table, with their CPU twins:
// CUDA kernel "<op>.<in>.fp32acc.warp32_<algorithm>" (device cuda, twin_of = the twin) and
// twin "<that name>.twin" = softmax_rows with shape strided over 32 lanes (twin_of = the CUDA
// kernel), both declaring one recipe, so the twin's check on a CPU-only machine is the CUDA
// kernel's order checked against the op's bound (docs/kernels.md).
#include "kernels_under_test/cuda/register_softmax.h"

#include <stdexcept>
#include <string>
#include <utility>

#include "kernels_under_test/cpu/fp32_math.h"
#include "kernels_under_test/cpu/row_kernel.h"
#include "kernels_under_test/cpu/twin_kernels.h"
#include "kernels_under_test/cuda/register_common.h"

namespace numguard::cuda {

kernels::SoftmaxAlgo warp_softmax_algo(SoftmaxKind kind) {
  kernels::SoftmaxAlgo a;
  a.method = kind == SoftmaxKind::online ? Method::online : Method::two_pass;
  a.shape = {.order = Order::strided, .lanes = 32};
  a.log = kind == SoftmaxKind::log_two_pass;
  return a;
}

Recipe warp_softmax_recipe(Format in, SoftmaxKind kind) {
  const kernels::SoftmaxAlgo a = warp_softmax_algo(kind);
  return kernels::row_recipe({.in = in,
                              .out = in,
                              .method = a.method,
                              .shape = a.shape,
                              .math_ulps = kernels::fp32math::kExpLogUlps});
}

RowInput row_input(Format in) {
  switch (in) {
    case Format::fp16:
      return RowInput::fp16;
    case Format::bf16:
      return RowInput::bf16;
    case Format::fp32:
      return RowInput::fp32;
    default:
      throw std::invalid_argument("CUDA softmax: input must be fp16, bf16 or fp32");
  }
}

KernelFn run_softmax_twin(Format in, const kernels::SoftmaxAlgo& a) {
  return [in, a](const Problem& p, Tensor& out) {
    require_inputs(p, in, false);
    out = Tensor(in, {p.m, p.n});  // the twin is also run on a bare tensor (cuda_kernels_test)
    kernels::softmax_rows(a, p, out);
  };
}

namespace {

void register_pair(Format in, SoftmaxKind kind) {
  const std::string_view op = kind == SoftmaxKind::log_two_pass ? "log_softmax" : "softmax";
  const std::string name = kernels::row_kernel_name(
      op, in, kind == SoftmaxKind::online ? "warp32_online" : "warp32_twopass");
  const Recipe recipe = warp_softmax_recipe(in, kind);
  const RowInput rin = row_input(in);
  kernels::register_kernel(cuda_kernel(
      name, op, recipe,
      [in, rin, kind](const Problem& p, Tensor& out) {
        require_inputs(p, in, false);
        Tensor y(in, {p.m, p.n});
        y.bits = softmax_warp(rin, kind, p.m, p.n, p.a.bits);
        out = std::move(y);
      },
      name + ".twin"));
  kernels::register_twin(name, op, recipe, run_softmax_twin(in, warp_softmax_algo(kind)));
}

const bool registered = [] {
  for (Format in : {Format::fp16, Format::bf16, Format::fp32})
    for (SoftmaxKind kind : {SoftmaxKind::two_pass, SoftmaxKind::online, SoftmaxKind::log_two_pass})
      register_pair(in, kind);
  return true;
}();

}  // namespace
}  // namespace numguard::cuda
