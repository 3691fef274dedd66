// One warp running a chain of mma.sync instructions in which only row 0 of A, column 0 of B
// and C[0][0] are nonzero: D[0][0] is the matrix unit's c + sum a_i b_i, with C inside the
// instruction's accumulator. The probe (harness/studies) measures the unit through it.
// Plain C++; without CUDA it throws "built without CUDA".
#pragma once

#include <cstdint>
#include <vector>

namespace numguard::cuda {

enum class ProbeInput : uint8_t { fp16, bf16, tf32, e4m3, e5m2 };

// a, b: k bit patterns of `in` (tf32 in fp32 containers); c and the result: fp32 bits, or
// fp16 bits when f16_acc (fp16 inputs only). k is padded with zeros to the instruction's K.
uint64_t mma_probe_dot(ProbeInput in, bool f16_acc, const std::vector<uint64_t>& a,
                       const std::vector<uint64_t>& b, uint64_t c);

// Whether the device runs the fp8 (e4m3 / e5m2) mma.sync shapes (sm_89 and later).
bool mma_probe_has_fp8();

}  // namespace numguard::cuda
