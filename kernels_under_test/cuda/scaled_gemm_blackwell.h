// The block-scaled GEMMs of both Blackwell lines, MXFP8 (e4m3, E8M0 per 32), MXFP4 (e2m1, E8M0
// per 32) and NVFP4 (e2m1, UE4M3 per 16, then the fp32 alpha), on instructions that exist only
// as arch-specific code:
// - RTX Blackwell (scaled_gemm_sm120.cu, sm_120a / sm_121a): mma.sync kind::mxf8f6f4 m16n8k32,
//   kind::mxf4 m16n8k64, kind::mxf4nvf4 scale_vec::4X m16n8k64;
// - datacenter Blackwell (scaled_gemm_sm100.cu, sm_100a / sm_103a): tcgen05.mma kind::mxf8f6f4
//   scale_vec::1X, kind::mxf4 scale_vec::2X, kind::mxf4nvf4 scale_vec::4X.
// Plain C++; without that code (no CUDA, an nvcc before 12.8) the launchers throw and the
// *_runs functions say why.
#pragma once

#include <cstdint>
#include <string>

#include "kernels_under_test/cuda/launch.h"
#include "kernels_under_test/cuda/mma_probe.h"

namespace numguard::cuda {

// out (m x n, fp32 bits) = alpha * sum_l a[i][l] sa[i][l / bl] b[l][j] sb[l / bl][j]: a (m x k),
// b (k x n) element patterns (e4m3 bytes, or e2m1 in the low nibble), sa (m x kb), sb (kb x n)
// scale patterns, bl = scaled_probe_block(kind), kb = ceil(k / bl), row-major. Each output
// element is one chain of instructions over k = 0, K, 2K, ... from C = +0 (K = 32 e4m3, 64
// e2m1); for mxf4nvf4 the chain's fp32 result is multiplied by alpha (fp32 bits, nearest
// even), as cuBLASLt's alpha applies NVFP4's tensor scales. The other kinds ignore alpha.
Bits scaled_gemm_sm120(ScaledProbeInput kind, GemmShape s, const Bits& a, const Bits& b,
                       const Bits& sa, const Bits& sb, uint32_t alpha);
Bits scaled_gemm_sm100(ScaledProbeInput kind, GemmShape s, const Bits& a, const Bits& b,
                       const Bits& sa, const Bits& sb, uint32_t alpha);

// The MXFP8 GEMMs with planted bugs (the mutants of
// kernels_under_test/mutants/cuda_blackwell_scale_mutants.cpp): scale_rows: A's scale register
// filled one row per quad, as B's is, so rows 8..15 of every tile are scaled with rows 0..7's
// scales;
Bits mutant_scaled_gemm_sm120_scale_rows(GemmShape s, const Bits& a, const Bits& b, const Bits& sa,
                                         const Bits& sb);
// scale_id: every tcgen05.mma's scale factor IDs left at 0, so the four instructions of a chunk
// all read byte 0 of its scale columns.
Bits mutant_scaled_gemm_sm100_scale_id(GemmShape s, const Bits& a, const Bits& b, const Bits& sa,
                                       const Bits& sb);

// Whether this device runs them; otherwise false with the reason in *why_not.
bool scaled_gemm_sm120_runs(std::string* why_not);
bool scaled_gemm_sm100_runs(std::string* why_not);

}  // namespace numguard::cuda
