// What the CUDA softmax kernels and their twins share (register_softmax.cpp and the mutant
// kernels_under_test/mutants/cuda_softmax_wrong_shuffle_offset.cpp): the twin's algorithm, the
// one recipe both declare, and the twin's run function.
#pragma once

#include "harness/core/kernel.h"
#include "kernels_under_test/cpu/softmax_rows.h"
#include "kernels_under_test/cuda/launch.h"

namespace numguard::cuda {

// softmax_rows' algorithm for `kind`, shape strided over 32 lanes (one warp per row).
kernels::SoftmaxAlgo warp_softmax_algo(SoftmaxKind kind);

// Output in the input format, fp32 arithmetic, exp/log within fp32math::kExpLogUlps.
Recipe warp_softmax_recipe(Format in, SoftmaxKind kind);

RowInput row_input(Format in);  // throws std::invalid_argument for other formats

// softmax_rows(a) on inputs of `in`, into a fresh m x n tensor of `in`.
KernelFn run_softmax_twin(Format in, const kernels::SoftmaxAlgo& a);

}  // namespace numguard::cuda
