// The block-scaled GEMMs of RTX Blackwell (scaled_gemm_sm120.cu) through mma.sync, which exists
// only as arch-specific sm_120a / sm_121a code: MXFP8 (e4m3, E8M0 per 32, kind::mxf8f6f4
// m16n8k32), MXFP4 (e2m1, E8M0 per 32, kind::mxf4 m16n8k64) and NVFP4 (e2m1, UE4M3 per 16,
// kind::mxf4nvf4 m16n8k64, then the fp32 alpha). Plain C++; without that code (no CUDA, an nvcc
// before 12.8) the launchers throw and scaled_gemm_sm120_runs says why.
#pragma once

#include <cstdint>
#include <string>

#include "kernels_under_test/cuda/launch.h"
#include "kernels_under_test/cuda/mma_probe.h"

namespace numguard::cuda {

// out (m x n, fp32 bits) = alpha * sum_l a[i][l] sa[i][l / bl] b[l][j] sb[l / bl][j]: a (m x k),
// b (k x n) element patterns (e4m3 bytes, or e2m1 in the low nibble), sa (m x kb), sb (kb x n)
// scale patterns, bl = scaled_probe_block(kind), kb = ceil(k / bl), row-major. Each output
// element is one chain of instructions over k = 0, K, 2K, ... from C = +0; for mxf4nvf4 the
// chain's fp32 result is multiplied by alpha (fp32 bits, nearest even), as cuBLASLt's alpha
// applies NVFP4's tensor scales. The other kinds ignore alpha.
Bits scaled_gemm_sm120(ScaledProbeInput kind, GemmShape s, const Bits& a, const Bits& b,
                       const Bits& sa, const Bits& sb, uint32_t alpha);

// The same GEMM (kind::mxf8f6f4 e4m3) with a planted bug (the mutant of
// kernels_under_test/mutants/cuda_sm120_scale_rows.cpp): A's scale register filled one row per
// quad, as B's is, so rows 8..15 of every tile are scaled with rows 0..7's scales.
Bits mutant_scaled_gemm_sm120_scale_rows(GemmShape s, const Bits& a, const Bits& b, const Bits& sa,
                                         const Bits& sb);

// Whether this device runs them; otherwise false with the reason in *why_not.
bool scaled_gemm_sm120_runs(std::string* why_not);

}  // namespace numguard::cuda
