// What the CUDA activation kernels and their twins share (register_activation.cpp and the
// mutant kernels_under_test/mutants/cuda_gelu_bias_after_activation.cpp): the launcher's kind
// of each op, the one recipe both declare, and the launcher call on a Problem.
#pragma once

#include <string_view>

#include "harness/core/kernel.h"
#include "kernels_under_test/cuda/launch.h"

namespace numguard::cuda {

// gelu, gelu_tanh, silu and their _backward ops; throws std::invalid_argument otherwise.
ActKind act_kind(std::string_view op);

// The CPU kernels' recipe of op (kernels::activation_recipe), output in the input format.
Recipe cuda_activation_recipe(std::string_view op, Format in);

// Throws std::invalid_argument unless a, b (when not empty) and c (backward ops) are tensors
// of `in` with the op's shapes.
void require_activation_inputs(const Problem& p, Format in, bool backward);

// The twin: kernels::activation_rows(op's formula) into a fresh m x n tensor of `in`.
KernelFn run_activation_twin(std::string_view op, Format in);

}  // namespace numguard::cuda
