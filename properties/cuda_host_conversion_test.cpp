// float -> fp16 and float -> bf16 (RNE) agree bit for bit with the CUDA toolkit's own host
// conversions (__float2half_rn, __float2bfloat16_rn from cuda_fp16.h / cuda_bf16.h, compiled
// by the host compiler). NaN results are compared as NaN, since payloads differ by design.
// The default run covers the edge binades completely plus a dense stride of all patterns;
// the Exhaustive tests (ctest label "exhaustive") cover all 2^32 patterns.
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstring>
#include <thread>
#include <vector>

#include "harness/core/format.h"
#include "harness/core/rounding.h"

namespace numguard {
namespace {

uint16_t cuda_rn(Format to, uint32_t fbits) {
  const float x = std::bit_cast<float>(fbits);
  uint16_t out;
  if (to == Format::fp16) {
    const __half h = __float2half_rn(x);
    std::memcpy(&out, &h, 2);
  } else {
    const __nv_bfloat16 b = __float2bfloat16_rn(x);
    std::memcpy(&out, &b, 2);
  }
  return out;
}

struct Mismatch {
  std::atomic<uint64_t> count{0};
  std::atomic<uint32_t> first{0};
};

void compare(Format to, uint32_t fbits, Mismatch& m) {
  const uint64_t ours = convert(Format::fp32, fbits, to).bits;
  const uint16_t cuda = cuda_rn(to, fbits);
  const bool agree =
      is_nan(to, ours) || is_nan(to, cuda) ? is_nan(to, ours) && is_nan(to, cuda) : ours == cuda;
  if (!agree && m.count.fetch_add(1) == 0) m.first = fbits;
}

// Runs body(i) for i in [0, n) on all cores.
template <typename Body>
void parallel_for(uint64_t n, Body body) {
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([=] {
      for (uint64_t i = n * t / threads; i < n * (t + 1) / threads; ++i) body(i);
    });
  for (auto& th : pool) th.join();
}

// Every pattern whose fp32 exponent field is one of `fields`, both signs.
void check_binades(Format to, std::initializer_list<uint32_t> fields) {
  const std::vector<uint32_t> fs(fields);
  Mismatch m;
  parallel_for(fs.size() << 24, [&](uint64_t i) {
    const uint32_t field = fs[i >> 24], low = static_cast<uint32_t>(i & 0xffffff);
    const uint32_t bits = ((low >> 23) << 31) | (field << 23) | (low & 0x7fffff);
    compare(to, bits, m);
  });
  EXPECT_EQ(m.count.load(), 0u) << name(to) << ": first mismatch at fp32 0x" << std::hex
                                << m.first.load();
}

void check_stride(Format to, uint64_t stride) {
  Mismatch m;
  parallel_for((uint64_t{1} << 32) / stride,
               [&](uint64_t i) { compare(to, static_cast<uint32_t>(i * stride), m); });
  EXPECT_EQ(m.count.load(), 0u) << name(to) << ": first mismatch at fp32 0x" << std::hex
                                << m.first.load();
}

// fp16's cliffs in fp32 exponent fields (bias 127): 0 (fp32 subnormals), 101-103 (around
// half of fp16's smallest subnormal, 2^-25), 112-113 (fp16's subnormal/normal boundary),
// 142-143 (fp16 overflow at 65520), 255 (inf/NaN).
TEST(CudaHostConversion, Fp16EdgeBinadesAgree) {
  check_binades(Format::fp16, {0, 101, 102, 103, 112, 113, 142, 143, 255});
}
// bf16 shares fp32's exponent range: the edges are the subnormals, the smallest normal binade,
// the top binade (overflow to inf) and inf/NaN.
TEST(CudaHostConversion, Bf16EdgeBinadesAgree) {
  check_binades(Format::bf16, {0, 1, 254, 255});
}
TEST(CudaHostConversion, Fp16DenseStrideAgrees) {
  check_stride(Format::fp16, 257);
}
TEST(CudaHostConversion, Bf16DenseStrideAgrees) {
  check_stride(Format::bf16, 257);
}

TEST(CudaHostConversionExhaustive, Fp16AllFp32Patterns) {
  check_stride(Format::fp16, 1);
}
TEST(CudaHostConversionExhaustive, Bf16AllFp32Patterns) {
  check_stride(Format::bf16, 1);
}

}  // namespace
}  // namespace numguard
