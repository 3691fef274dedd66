// The elementwise CUDA kernels of activation.cu in the kernel table, with their CPU twins:
// CUDA kernel "<op>.<in>.fp32acc.cuda_bias" (device cuda, twin_of = the twin) and twin
// "<that name>.twin" = the CPU kernels' activation_rows (twin_of = the CUDA kernel), both
// declaring cuda_activation_recipe. The twin computes what "<op>.<in>.fp32acc.direct" computes;
// it is registered anyway so that each CUDA kernel is paired explicitly (and a later change to
// either side shows up on a GPU as a twin mismatch). docs/kernels.md.
#include "kernels_under_test/cuda/register_activation.h"

#include <stdexcept>
#include <string>
#include <utility>

#include "kernels_under_test/cpu/activation.h"
#include "kernels_under_test/cpu/row_kernel.h"
#include "kernels_under_test/cpu/twin_kernels.h"
#include "kernels_under_test/cuda/register_common.h"
#include "kernels_under_test/cuda/register_softmax.h"  // row_input

namespace numguard::cuda {

ActKind act_kind(std::string_view op) {
  if (op == "gelu") return ActKind::gelu;
  if (op == "gelu_tanh") return ActKind::gelu_tanh;
  if (op == "silu") return ActKind::silu;
  if (op == "gelu_backward") return ActKind::gelu_backward;
  if (op == "gelu_tanh_backward") return ActKind::gelu_tanh_backward;
  if (op == "silu_backward") return ActKind::silu_backward;
  throw std::invalid_argument("CUDA activation: unknown op " + std::string(op));
}

Recipe cuda_activation_recipe(std::string_view op, Format in) {
  return kernels::activation_recipe(op, in, in);
}

void require_activation_inputs(const Problem& p, Format in, bool backward) {
  require_inputs(p, in, !p.b.empty());
  if (!p.b.empty() && p.b.size() != static_cast<size_t>(p.n))
    throw std::invalid_argument("activation: bias must be empty or hold n elements");
  if (backward && (p.c.format != in || p.c.size() != static_cast<size_t>(p.m * p.n)))
    throw std::invalid_argument("activation: dy must be an m x n tensor of the input format");
}

KernelFn run_activation_twin(std::string_view op, Format in) {
  const kernels::ElementFn f = kernels::activation_fn(op);
  const bool bw = kernels::is_backward(op);
  return [f, bw, in](const Problem& p, Tensor& out) {
    require_activation_inputs(p, in, bw);
    out = Tensor(in, {p.m, p.n});  // the twin is also run on a bare tensor (cuda_kernels_test)
    kernels::activation_rows(f, bw, p, out);
  };
}

namespace {

void register_pair(std::string_view op, Format in) {
  const std::string name = kernels::row_kernel_name(op, in, "cuda_bias");
  const Recipe recipe = cuda_activation_recipe(op, in);
  const RowInput rin = row_input(in);
  const ActKind kind = act_kind(op);
  const bool bw = kernels::is_backward(op);
  kernels::register_kernel(cuda_kernel(
      name, op, recipe,
      [in, rin, kind, bw](const Problem& p, Tensor& out) {
        require_activation_inputs(p, in, bw);
        Tensor y(in, {p.m, p.n});
        y.bits = activation_bias(rin, kind, p.m, p.n, p.a.bits, p.b.bits, bw ? p.c.bits : Bits{});
        out = std::move(y);
      },
      name + ".twin"));
  kernels::register_twin(name, op, recipe, run_activation_twin(op, in));
}

const bool registered = [] {
  for (std::string_view op :
       {"gelu", "gelu_tanh", "silu", "gelu_backward", "gelu_tanh_backward", "silu_backward"})
    for (Format in : {Format::fp16, Format::bf16, Format::fp32}) register_pair(op, in);
  return true;
}();

}  // namespace
}  // namespace numguard::cuda
