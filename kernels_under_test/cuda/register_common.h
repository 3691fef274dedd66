// What the registrations of the CUDA kernels share (register_*.cpp and
// kernels_under_test/mutants/cuda_*.cpp, compiled by the host compiler into numguard_kernels):
// turning a Problem into launcher arguments and the descriptor of a CUDA kernel.
#pragma once

#include <string>
#include <string_view>

#include "harness/core/kernel.h"
#include "kernels_under_test/cuda/launch.h"

namespace numguard::cuda {

// The epilogue of reduction_kernel.h for p's alpha and beta, scalars rounded (RNE) into `acc`.
Epilogue epilogue_of(const Problem& p, Format acc);

// p.c rounded (RNE) into `acc` when the epilogue reads it; empty otherwise.
Bits c_in(const Problem& p, Format acc, const Epilogue& e);

// Throws std::invalid_argument unless a (and b, when read) are tensors of `in`.
void require_inputs(const Problem& p, Format in, bool reads_b);

// A CUDA kernel's descriptor: device cuda, twin_of = twin (empty for none).
KernelDesc cuda_kernel(std::string name, std::string_view op, Recipe recipe, KernelFn run,
                       std::string twin);

}  // namespace numguard::cuda
