// What the CUDA norm kernels and their twins share (register_norms.cpp and the mutant
// kernels_under_test/mutants/cuda_layernorm_welford_equal_count.cpp): the twin's algorithm,
// the one recipe both declare, and the twin's run function.
#pragma once

#include "harness/core/kernel.h"
#include "kernels_under_test/cpu/norm_rows.h"
#include "kernels_under_test/cuda/launch.h"

namespace numguard::cuda {

// norm_rows' algorithm for `kind`, shape strided over 32 lanes (one warp per row).
kernels::NormAlgo warp_norm_algo(NormKind kind);

// Output in the input format, fp32 arithmetic, correctly rounded sqrtf and divisions (no
// math_ulps): the CPU norm kernels' recipe with the warp's shape.
Recipe warp_norm_recipe(Format in, NormKind kind);

// norm_rows(a) on inputs of `in`, into a fresh m x n tensor of `in`.
KernelFn run_norm_twin(Format in, const kernels::NormAlgo& a);

// The CUDA kernel: norm_warp on p (a = x, b = gamma, c = beta, scalars = {eps}).
KernelFn run_norm_device(Format in, NormKind kind);

}  // namespace numguard::cuda
