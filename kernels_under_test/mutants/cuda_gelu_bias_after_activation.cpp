// Mutant: the fused bias + gelu CUDA kernel (gelu.fp16.fp32acc.cuda_bias) that adds the bias
// after the activation, y = gelu(x) + bias instead of gelu(x + bias): the two steps of a
// "bias, then activation" epilogue written in the wrong order (a GEMM epilogue where the
// activation was moved before the bias to share code with a no-bias path, or an
// EPILOGUE_GELU_BIAS flag read as "gelu, then bias"). Without a bias it is the correct kernel;
// with one, gelu(x) + b differs from gelu(x + b) by up to |b| wherever gelu is curved (around
// and below 0), e.g. x = 0, b = -1: 0 + (-1) = -1 where gelu(-1) = -0.159.
//
// Two registrations, as cuda_softmax_wrong_shuffle_offset.cpp: the device kernel
// (activation.cu), whose twin is the CPU kernel below with the same order (a GPU run checks
// them bit for bit), and that CPU twin, which CI catches by the bound of the correct recipe.
#include <string>
#include <utility>

#include "kernels_under_test/cpu/activation_math.h"
#include "kernels_under_test/cpu/formula_variants.h"
#include "kernels_under_test/cpu/row_kernel.h"
#include "kernels_under_test/cpu/twin_kernels.h"
#include "kernels_under_test/cuda/register_activation.h"
#include "kernels_under_test/cuda/register_common.h"
#include "kernels_under_test/mutants/register_mutant.h"

namespace numguard::kernels {
namespace {

constexpr const char* kBug =
    "bias added after the activation: gelu(x) + bias instead of gelu(x + bias)";

// The device kernel's arithmetic: y = gelu(x) in fp32, then one fp32 addition of bias[j] (none
// without a bias), RNE into fp16.
void bias_after_rows(const Problem& p, Tensor& out) {
  cuda::require_activation_inputs(p, Format::fp16, false);
  out = Tensor(Format::fp16, {p.m, p.n});
  variants::bias_after_activation_rows(act::gelu, p, out);
}
const bool registered = [] {
  const std::string name = "mutant.gelu.fp16.fp32acc.cuda_bias.bias_after_activation";
  const std::string imitated = "gelu.fp16.fp32acc.cuda_bias";
  const Recipe recipe = cuda::cuda_activation_recipe("gelu", Format::fp16);

  KernelDesc device = cuda::cuda_kernel(
      name, "gelu", recipe,
      [](const Problem& p, Tensor& out) {
        cuda::require_activation_inputs(p, Format::fp16, false);
        Tensor y(Format::fp16, {p.m, p.n});
        y.bits = cuda::mutant_gelu_bias_after_activation(p.m, p.n, p.a.bits, p.b.bits);
        out = std::move(y);
      },
      name + ".twin");

  KernelDesc twin = cpu_kernel(name + ".twin", "gelu", recipe, bias_after_rows);
  register_mutant_pair(std::move(device), std::move(twin), imitated, kBug, "bias_after_activation");
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
