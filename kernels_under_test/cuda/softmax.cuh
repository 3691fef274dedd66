// Row softmax on CUDA cores, one warp per row (8 rows per 256-thread block); the twins are
// softmax_rows (kernels_under_test/cpu/softmax_rows.h) with shape strided over 32 lanes,
// registered in register_softmax.cpp. Every fp32 operation is an explicit __fadd_rn /
// __fsub_rn / __fmul_rn / __fdiv_rn, exp and log are fp32math's (bit-identical on the host),
// so the device and the twin compute the same bits.
//
// Order (harness/core/reduce_order.h, strided with 32 lanes): lane l folds elements l, l+32,
// l+64, ... in increasing index into its own state, then a butterfly over offsets 16, 8, 4, 2,
// 1 where each lane combines (its own state, the state of lane l ^ off), own state first.
// Lane l < off then holds combine(lane l, lane l + off) exactly as reduce_in_order computes it
// (the lanes >= off compute their mirror image, which no lane < off reads again), and lane 0's
// final state is broadcast: the online combine does not commute for the sign of a zero max,
// so only lane 0's value is the twin's.
// - two_pass: max (v > m || v != v ? v : m, NaN-propagating) in that order, broadcast; then
//   s = sum of exp(x - max) (0 for x = -inf), butterfly additions, broadcast; then
//   y = exp(x - max) / s, or log_softmax y = (x - max) - log(s).
// - online: per-lane (m, s) from (-inf, 0): x > m rescales s = s * exp(m - x) + 1 (s + 1 when
//   m is -inf), otherwise s += exp(x - m) unless x = -inf; an empty state (-inf, 0) is the
//   identity of the combine (a lane whose first element is NaN holds (-inf, NaN), not empty),
//   other states combine to the larger max, each sum rescaled by exp(m_i - max) unless m_i
//   is the max; then y = exp(x - m) / s.
// The output is RNE-rounded into the input format.
#pragma once

#include "kernels_under_test/cpu/fp32_math.h"
#include "kernels_under_test/cuda/cuda_common.cuh"

namespace numguard::cuda::detail {

namespace fm = numguard::kernels::fp32math;

struct Fp16Io {
  using T = uint16_t;
  __device__ static float load(T b) { return fp16_to_f32(b); }
  __device__ static T store(float y) { return f32_to_fp16_bits(y); }
};
struct Bf16Io {
  using T = uint16_t;
  __device__ static float load(T b) { return bf16_to_f32(b); }
  __device__ static T store(float y) { return f32_to_bf16_bits(y); }
};
struct Fp32Io {
  using T = uint32_t;
  __device__ static float load(T b) { return __uint_as_float(b); }
  __device__ static T store(float y) { return __float_as_uint(y); }
};

constexpr int kSoftmaxThreads = 256, kSoftmaxRowsPerBlock = kSoftmaxThreads / 32;

__device__ inline float softmax_numerator(float x, float mx) {
  if (x == -__int_as_float(0x7f800000)) return 0.0f;  // masked, even when the max is -inf
  return fm::exp(__fsub_rn(x, mx));
}

__device__ inline float larger(float m, float v) {
  return v > m || v != v ? v : m;
}

struct OnlineState {
  float m, s;
};

__device__ inline OnlineState online_step(OnlineState st, float x) {
  const float neg_inf = -__int_as_float(0x7f800000);
  if (x > st.m) {
    st.s = st.m == neg_inf ? __fadd_rn(st.s, 1.0f)
                           : __fadd_rn(__fmul_rn(st.s, fm::exp(__fsub_rn(st.m, x))), 1.0f);
    st.m = x;
  } else if (x != neg_inf) {
    st.s = __fadd_rn(st.s, fm::exp(__fsub_rn(x, st.m)));
  }
  return st;
}

__device__ inline float online_rescaled(OnlineState o, float mx) {
  return o.m == mx ? o.s : __fmul_rn(o.s, fm::exp(__fsub_rn(o.m, mx)));
}

__device__ inline OnlineState online_combine(OnlineState p, OnlineState q) {
  const float neg_inf = -__int_as_float(0x7f800000);
  if (q.m == neg_inf && q.s == 0.0f) return p;  // empty; (-inf, NaN) is not
  if (p.m == neg_inf && p.s == 0.0f) return q;
  const float mx = p.m > q.m ? p.m : q.m;
  return {mx, __fadd_rn(online_rescaled(p, mx), online_rescaled(q, mx))};
}

// kRepeatedOffset: the mutant's sum butterfly, offsets 16, 8, 4, 2, 2.
template <class Io, SoftmaxKind kKind, bool kRepeatedOffset>
__global__ void __launch_bounds__(kSoftmaxThreads)
    softmax_warp_kernel(const typename Io::T* a, int m, int n, typename Io::T* out) {
  const int lane = threadIdx.x & 31;
  const int row = blockIdx.x * kSoftmaxRowsPerBlock + (threadIdx.x >> 5);
  if (row >= m) return;  // whole warps leave together: the shuffles below stay full-warp
  const typename Io::T* x = a + static_cast<size_t>(row) * n;
  typename Io::T* y = out + static_cast<size_t>(row) * n;
  const unsigned all = 0xffffffffu;
  float mx, s;
  if constexpr (kKind == SoftmaxKind::online) {
    OnlineState st{-__int_as_float(0x7f800000), 0.0f};
    for (int i = lane; i < n; i += 32) st = online_step(st, Io::load(x[i]));
#pragma unroll
    for (int off = 16; off >= 1; off >>= 1) {
      const OnlineState other{__shfl_xor_sync(all, st.m, off), __shfl_xor_sync(all, st.s, off)};
      st = online_combine(st, other);
    }
    mx = __shfl_sync(all, st.m, 0);
    s = __shfl_sync(all, st.s, 0);
  } else {
    float lm = -__int_as_float(0x7f800000);
    for (int i = lane; i < n; i += 32) lm = larger(lm, Io::load(x[i]));
#pragma unroll
    for (int off = 16; off >= 1; off >>= 1) lm = larger(lm, __shfl_xor_sync(all, lm, off));
    mx = __shfl_sync(all, lm, 0);
    float acc = 0.0f;
    for (int i = lane; i < n; i += 32) acc = __fadd_rn(acc, softmax_numerator(Io::load(x[i]), mx));
#pragma unroll
    for (int level = 0; level < 5; ++level) {
      const int off = kRepeatedOffset && level == 4 ? 2 : 16 >> level;
      acc = __fadd_rn(acc, __shfl_xor_sync(all, acc, off));
    }
    s = __shfl_sync(all, acc, 0);
  }
  if constexpr (kKind == SoftmaxKind::log_two_pass) {
    const float ls = fm::log(s);
    for (int i = lane; i < n; i += 32)
      y[i] = Io::store(__fsub_rn(__fsub_rn(Io::load(x[i]), mx), ls));
  } else {
    for (int i = lane; i < n; i += 32)
      y[i] = Io::store(__fdiv_rn(softmax_numerator(Io::load(x[i]), mx), s));
  }
}

template <class Io, SoftmaxKind kKind, bool kRepeatedOffset>
Bits run_softmax_warp(int64_t m, int64_t n, const Bits& a) {
  using T = typename Io::T;
  require(m >= 0 && n >= 0, "CUDA softmax: negative dimension");
  require(m * n < (int64_t{1} << 31), "CUDA softmax: shape too large for 32-bit indexing");
  require(a.size() == static_cast<size_t>(m * n), "CUDA softmax: a must hold m*n elements");
  if (m == 0 || n == 0) return Bits(static_cast<size_t>(m * n));
  const DeviceBuffer<T> da(pack<T>(a));
  DeviceBuffer<T> dout(static_cast<size_t>(m * n));
  softmax_warp_kernel<Io, kKind, kRepeatedOffset>
      <<<static_cast<unsigned>((m + kSoftmaxRowsPerBlock - 1) / kSoftmaxRowsPerBlock),
         kSoftmaxThreads>>>(da.get(), static_cast<int>(m), static_cast<int>(n), dout.get());
  check_launch("softmax_warp_kernel");
  check(cudaDeviceSynchronize(), "softmax_warp_kernel");
  return unpack(dout.to_host());
}

}  // namespace numguard::cuda::detail
