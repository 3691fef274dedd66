// The deep stack of the gradients study, computed by the kernels under test. Layer l maps
// x_l (batch x width) to x_{l+1}:
//   plain,    no norm:  x_{l+1} = act(x_l W_l)
//   residual, no norm:  x_{l+1} = x_l + act(x_l W_l)
//   pre-LN:             the branch is act(LN(x_l) W_l)
//   post-LN:            x_{l+1} = LN(x_l + act(x_l W_l)), plain: LN(act(x_l W_l))
// LN has gamma = 1, beta = 0, eps = fp32(1e-5). The loss is the mean squared error
// (1 / (2 batch width)) sum (x_L - t)^2, so dL/dx_L = (x_L - t) / (batch width).
// docs/studies-gradients.md gives the init and why it makes plain stacks' gradients decay.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/kernel.h"

namespace numguard::studies {

enum class Norm : uint8_t { none, pre_ln, post_ln };
enum class Activation : uint8_t { gelu, relu };
std::string_view name(Norm n);
std::string_view name(Activation a);

struct StackShape {
  bool residual = false;
  Norm norm = Norm::none;
  Activation act = Activation::relu;
  int depth = 32, width = 64, batch = 16;
};

// Where a precision keeps its values and which kernels compute them. ReLU and the residual
// add have no kernels: ReLU is exact in every format, the add rounds once into `storage`.
struct PrecisionRecipe {
  std::string name;               // fp16, bf16, tf32, fp32
  Format storage = Format::fp32;  // activations and gradients between kernels
  Format gemm_in = Format::fp32;  // the gemm kernel's input format (tf32: fp32 values rounded)
  const KernelDesc* gemm = nullptr;
  const KernelDesc* gelu = nullptr;
  const KernelDesc* gelu_backward = nullptr;
  const KernelDesc* layernorm = nullptr;
  const KernelDesc* layernorm_backward = nullptr;
};

// The recipe of "fp16", "bf16", "tf32" or "fp32", its kernels looked up in the registry
// (a pointer stays null when the kernel is not registered). Throws on an unknown name.
PrecisionRecipe precision_recipe(std::string_view precision);

// The kernels a stack of this shape calls, in call order of first use.
std::vector<const KernelDesc*> stack_kernels(const PrecisionRecipe& p, const StackShape& s);

// The stack's weights, exactly representable in gemm_in: W_l = RN(gain_l z / sqrt(width))
// with z standard normal drawn from `seed` (the same z for every precision and stack).
struct StackWeights {
  std::vector<Tensor> w, wt;  // W_l (width x width) and its transpose, in gemm_in
};
StackWeights make_weights(const PrecisionRecipe& p, const StackShape& s, double gain,
                          uint64_t seed);

// One batch: inputs x_0 = RN(input_scale z) and targets t = RN(z'), in storage.
struct StackBatch {
  Tensor x0, target;  // batch x width
};
StackBatch make_batch(const PrecisionRecipe& p, const StackShape& s, double input_scale,
                      uint64_t seed);

// What one backward pass produced, as stored (scaled by the loss scale).
struct StackGradients {
  std::vector<Tensor> dx;  // dx[l] = dL/dx_l (batch x width), l = 0 .. depth-1
  std::vector<Tensor> dw;  // dw[l] = dL/dW_l (width x width)
  bool finite() const;     // no inf or NaN in any of them (GradScaler's check)
};

// Forward and backward through the kernels; dL/dx_L is multiplied by `loss_scale` and rounded
// once into storage before the backward pass.
StackGradients run_stack(const PrecisionRecipe& p, const StackShape& s, const StackWeights& w,
                         const StackBatch& b, double loss_scale);

// LayerNorm's eps as the kernels receive it (an fp32 scalar).
double layernorm_eps();

}  // namespace numguard::studies
