// CUDA-core reductions, shared by reductions.cu and the mutants' mutant_kernels.cu.
//
// rows_warp_kernel: one warp per row (8 rows per 256-thread block). Lane l sums elements
// l, l+32, l+64, ... of its row sequentially in fp32 from +0 (__fadd_rn; sumsq: __fmaf_rn(x,
// x, acc), the square fused), then a butterfly of __shfl_xor_sync additions over the offsets
// of Butterfly (16, 8, 4, 2, 1), after which every lane holds the row's sum; lane 0 writes it.
//
// dot_kernel: one 256-thread block per output element. Thread t accumulates
// acc = __fmaf_rn(a[t + 256j], b[t + 256j], acc) for j = 0, 1, ... from +0; each warp
// reduces by __shfl_xor_sync offsets 16, 8, 4, 2, 1; lane 0 of warp w stores warp sum w in
// shared memory; warp 0 reduces the 8 warp sums by offsets 4, 2, 1 (lanes 8..31 hold 0 and
// never meet lanes 0..7). As a butterfly over the 256 thread indices: offsets 16, 8, 4, 2,
// 1, 128, 64, 32.
//
// The twins: kernels_under_test/cpu/twin_reductions.cpp (StridedButterfly).
#pragma once

#include "kernels_under_test/cuda/cuda_common.cuh"

namespace numguard::cuda::detail {

struct WarpButterfly {
  static constexpr int kLevels = 5;
  __device__ static constexpr int offset(int level) { return 16 >> level; }
};

template <bool kBf16>
__device__ inline float to_f32(uint16_t bits) {
  if constexpr (kBf16) {
    return bf16_to_f32(bits);
  } else {
    return fp16_to_f32(bits);
  }
}

constexpr int kRowThreads = 256, kRowsPerBlock = kRowThreads / 32;

template <bool kBf16, bool kSquares, class Butterfly>
__global__ void __launch_bounds__(kRowThreads)
    rows_warp_kernel(const uint16_t* a, int m, int k, float* out, const float* c,
                     DeviceEpilogue ep) {
  const int lane = threadIdx.x & 31;
  const int row = blockIdx.x * kRowsPerBlock + (threadIdx.x >> 5);
  if (row >= m) return;  // whole warps leave together: the shuffles below stay full-warp
  const uint16_t* x = a + static_cast<size_t>(row) * k;
  float acc = 0.0f;
  for (int i = lane; i < k; i += 32) {
    const float v = to_f32<kBf16>(x[i]);
    acc = kSquares ? __fmaf_rn(v, v, acc) : __fadd_rn(acc, v);
  }
#pragma unroll
  for (int level = 0; level < Butterfly::kLevels; ++level)
    acc = __fadd_rn(acc, __shfl_xor_sync(0xffffffffu, acc, Butterfly::offset(level)));
  if (lane == 0) out[row] = epilogue_f32(acc, ep, c, static_cast<size_t>(row));
}

constexpr int kDotThreads = 256;

template <bool kBf16>
__global__ void __launch_bounds__(kDotThreads)
    dot_kernel(const uint16_t* a, const uint16_t* b, int n, int k, float* out, const float* c,
               DeviceEpilogue ep) {
  __shared__ float warp_sums[kDotThreads / 32];
  const int row = blockIdx.y, col = blockIdx.x;
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const uint16_t* x = a + static_cast<size_t>(row) * k;
  float acc = 0.0f;
  for (int i = tid; i < k; i += kDotThreads)
    acc = __fmaf_rn(to_f32<kBf16>(x[i]), to_f32<kBf16>(b[static_cast<size_t>(i) * n + col]), acc);
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) acc = __fadd_rn(acc, __shfl_xor_sync(0xffffffffu, acc, o));
  if (lane == 0) warp_sums[warp] = acc;
  __syncthreads();
  if (warp != 0) return;
  float v = lane < kDotThreads / 32 ? warp_sums[lane] : 0.0f;
#pragma unroll
  for (int o = kDotThreads / 64; o > 0; o >>= 1)
    v = __fadd_rn(v, __shfl_xor_sync(0xffffffffu, v, o));
  if (lane == 0) {
    const size_t i = static_cast<size_t>(row) * n + col;
    out[i] = epilogue_f32(v, ep, c, i);
  }
}

template <bool kBf16, bool kSquares, class Butterfly>
Bits run_rows_warp(int64_t m, int64_t k, const Bits& a, const Bits& c, const Epilogue& e) {
  const bool reads_c = e.has_c && !e.identity;
  require(m >= 0 && k >= 0, "CUDA kernel: negative dimension");
  require(m * k < (int64_t{1} << 31), "CUDA kernel: shape too large for 32-bit indexing");
  require(a.size() == static_cast<size_t>(m * k), "CUDA kernel: a must hold m*k elements");
  require(!reads_c || c.size() == static_cast<size_t>(m), "CUDA kernel: c must hold m elements");
  if (m == 0) return {};
  const DeviceBuffer<uint16_t> da(pack<uint16_t>(a));
  const DeviceBuffer<uint32_t> dc(reads_c ? pack<uint32_t>(c) : std::vector<uint32_t>{});
  DeviceBuffer<uint32_t> dout(static_cast<size_t>(m));
  rows_warp_kernel<kBf16, kSquares, Butterfly>
      <<<static_cast<unsigned>((m + kRowsPerBlock - 1) / kRowsPerBlock), kRowThreads>>>(
          da.get(), static_cast<int>(m), static_cast<int>(k), reinterpret_cast<float*>(dout.get()),
          reinterpret_cast<const float*>(dc.get()), device_epilogue(e));
  check_launch("rows_warp_kernel");
  check(cudaDeviceSynchronize(), "rows_warp_kernel");
  return unpack(dout.to_host());
}

template <bool kBf16>
Bits run_dot(GemmShape s, const Bits& a, const Bits& b, const Bits& c, const Epilogue& e) {
  const bool reads_c = e.has_c && !e.identity;
  require_shape(s, a.size(), b.size(), c.size(), reads_c);
  require(s.m <= 65535, "CUDA kernel: m too large for the grid");
  const size_t mn = static_cast<size_t>(s.m * s.n);
  if (mn == 0) return {};
  const DeviceBuffer<uint16_t> da(pack<uint16_t>(a)), db(pack<uint16_t>(b));
  const DeviceBuffer<uint32_t> dc(reads_c ? pack<uint32_t>(c) : std::vector<uint32_t>{});
  DeviceBuffer<uint32_t> dout(mn);
  dot_kernel<kBf16><<<dim3(static_cast<unsigned>(s.n), static_cast<unsigned>(s.m)), kDotThreads>>>(
      da.get(), db.get(), static_cast<int>(s.n), static_cast<int>(s.k),
      reinterpret_cast<float*>(dout.get()), reinterpret_cast<const float*>(dc.get()),
      device_epilogue(e));
  check_launch("dot_kernel");
  check(cudaDeviceSynchronize(), "dot_kernel");
  return unpack(dout.to_host());
}

}  // namespace numguard::cuda::detail
