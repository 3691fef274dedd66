// One warp running a chain of mma.sync instructions in which only row 0 of A, column 0 of B
// and C[0][0] are nonzero: D[0][0] is the matrix unit's c + sum a_i b_i, with C inside the
// instruction's accumulator. The probe (harness/studies) measures the unit through it.
// Plain C++; without CUDA it throws "built without CUDA".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernels_under_test/cuda/scaled_mma_fragments.h"

namespace numguard::cuda {

enum class ProbeInput : uint8_t { fp16, bf16, tf32, e4m3, e5m2 };

// a, b: k bit patterns of `in` (tf32 in fp32 containers); c and the result: fp32 bits, or
// fp16 bits when f16_acc (fp16 inputs only). k is padded with zeros to the instruction's K.
uint64_t mma_probe_dot(ProbeInput in, bool f16_acc, const std::vector<uint64_t>& a,
                       const std::vector<uint64_t>& b, uint64_t c);

// Whether the device runs the fp8 (e4m3 / e5m2) mma.sync shapes (sm_89 and later).
bool mma_probe_has_fp8();

// Block-scaled mma.sync, which only RTX Blackwell has (arch-specific sm_120a / sm_121a code,
// mma_probe_scaled.cu): kind::mxf8f6f4 m16n8k32 (e4m3, one UE8M0 scale per 32), kind::mxf4
// m16n8k64 (e2m1, UE8M0 per 32) and kind::mxf4nvf4 m16n8k64 (e2m1, UE4M3 per 16: NVFP4).
using ScaledProbeInput = fragments::Kind;

// Elements per scale: 32, 32, 16.
inline int scaled_probe_block(ScaledProbeInput in) {
  return fragments::scale_block(in);
}

// a, b: k element patterns (k padded with zeros to the instruction's K); sa, sb: one scale
// pattern per block of a and of b (ceil(k / block)); c and the result: fp32 bits.
uint64_t mma_probe_scaled_dot(ScaledProbeInput in, const std::vector<uint64_t>& a,
                              const std::vector<uint64_t>& b, const std::vector<uint64_t>& sa,
                              const std::vector<uint64_t>& sb, uint64_t c);

// Whether the device runs them: this build holds the sm_120a (or sm_121a) code and the device
// is that compute capability. Otherwise false, with the reason in *why_not.
bool mma_probe_has_block_scaled(std::string* why_not);

}  // namespace numguard::cuda
