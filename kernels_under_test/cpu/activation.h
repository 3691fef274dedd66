// The elementwise activation kernels (gelu, gelu_tanh, silu, their backward ops, exp) on the
// CPU: t = x + bias in fp32 (no addition without a bias), the per-element formula of
// activation_math.h, then dy * f'(t) for the backward ops, one RNE cast into the output.
#pragma once

#include <string_view>

#include "harness/core/kernel.h"

namespace numguard::kernels {

using ElementFn = float (*)(float);

// The forward formula of op (gelu, gelu_tanh, silu, exp) or the derivative of a backward op
// (gelu_backward, ...), or nullptr for other names.
ElementFn activation_fn(std::string_view op);
bool is_backward(std::string_view op);

// The recipe every kernel of op declares (CPU kernels, CUDA kernels and their twins): fp32
// arithmetic, direct, `out` the output format, the ulps of the math functions op calls.
Recipe activation_recipe(std::string_view op, Format in, Format out);

// out[i] = cast(f(t_i)) (forward) or cast(dy_i * f(t_i)) (backward), t_i = x_i + bias_j.
// `cast` rounds the fp32 result into out's format (the mutants replace it).
void activation_rows(ElementFn f, bool backward, const Problem& p, Tensor& out,
                     uint64_t (*cast)(float, Format) = nullptr);

}  // namespace numguard::kernels
