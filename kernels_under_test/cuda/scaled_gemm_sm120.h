// The block-scaled GEMM of RTX Blackwell (scaled_gemm_sm120.cu): MXFP8 e4m3 operands with
// E8M0 scales per 32 through mma.sync kind::mxf8f6f4, which exists only as arch-specific
// sm_120a / sm_121a code. Plain C++; without that code (no CUDA, an nvcc before 12.8) the
// launcher throws and scaled_gemm_sm120_runs says why.
#pragma once

#include <string>

#include "kernels_under_test/cuda/launch.h"

namespace numguard::cuda {

// out (m x n, fp32 bits) = sum_l a[i][l] sa[i][l / 32] b[l][j] sb[l / 32][j]: a (m x k), b
// (k x n) e4m3 patterns, sa (m x kb), sb (kb x n) E8M0 patterns, kb = ceil(k / 32), row-major.
// Each output element is one chain of instructions over k = 0, 32, 64, ..., from C = +0.
Bits scaled_gemm_sm120(GemmShape s, const Bits& a, const Bits& b, const Bits& sa, const Bits& sb);

// Whether this device runs it; otherwise false with the reason in *why_not.
bool scaled_gemm_sm120_runs(std::string* why_not);

}  // namespace numguard::cuda
