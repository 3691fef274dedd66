// Row layernorm (two-pass and Welford) and rmsnorm forward on CUDA cores, one warp per row
// (8 rows per 256-thread block); the twins are norm_rows (kernels_under_test/cpu/norm_rows.h)
// with shape strided over 32 lanes, registered in register_norms.cpp. Every fp32 operation is
// an explicit __fadd_rn / __fsub_rn / __fmul_rn / __fdiv_rn / __fsqrt_rn (correctly rounded,
// as the host's + - * / and sqrtf), in the order norm_rows.cpp writes it, so the device and
// the twin compute the same bits.
//
// Order: reduce_in_order (harness/core/reduce_order.h), strided with 32 lanes, exactly as in
// softmax.cuh: lane l folds elements l, l+32, ... into its own state, then butterfly offsets
// 16, 8, 4, 2, 1, each lane combining (own state, state of lane l ^ off), own state first;
// lane 0's final state is broadcast (the Welford combine is not symmetric, so only lane 0
// holds the twin's state).
// - rmsnorm: ss = sum x*x (from +0); var = ss / n.
// - two_pass: mean = (sum x) / n; var = (sum (x - mean)^2) / n.
// - welford: per-lane (c, mean, M2) from (0, 0, 0): c = c + 1; delta = x - mean;
//   mean = mean + delta / c; M2 = M2 + delta * (x - mean). Combine (Chan et al.): an empty
//   side (c = 0) gives the other; c = a.c + b.c; delta = b.mean - a.mean;
//   mean = a.mean + delta * (b.c / c); M2 = (a.M2 + b.M2) + (delta * delta) * ((a.c * b.c) / c).
//   var = M2 / n.
// Then r = 1 / sqrtf(var + eps) and y = (d * r) * gamma (+ beta for layernorm), d = x - mean
// (x for rmsnorm), RNE-rounded into the input format.
#pragma once

#include "kernels_under_test/cuda/softmax.cuh"  // Fp16Io, Bf16Io, Fp32Io

namespace numguard::cuda::detail {

constexpr int kNormThreads = 256, kNormRowsPerBlock = kNormThreads / 32;

struct WelfordState {
  float c, mean, m2;
};

__device__ inline WelfordState welford_step(WelfordState w, float x) {
  w.c = __fadd_rn(w.c, 1.0f);
  const float delta = __fsub_rn(x, w.mean);
  w.mean = __fadd_rn(w.mean, __fdiv_rn(delta, w.c));
  w.m2 = __fadd_rn(w.m2, __fmul_rn(delta, __fsub_rn(x, w.mean)));
  return w;
}

// kEqualCounts: the mutant's combine, weighting as if both sides held p.c elements.
template <bool kEqualCounts>
__device__ inline WelfordState welford_combine(WelfordState p, WelfordState q) {
  if (p.c == 0.0f) return q;
  if (q.c == 0.0f) return p;
  WelfordState t;
  t.c = __fadd_rn(p.c, q.c);
  const float delta = __fsub_rn(q.mean, p.mean);
  if constexpr (kEqualCounts) {
    t.mean = __fadd_rn(p.mean, __fmul_rn(delta, 0.5f));
    t.m2 =
        __fadd_rn(__fadd_rn(p.m2, q.m2), __fmul_rn(__fmul_rn(delta, delta), __fmul_rn(p.c, 0.5f)));
  } else {
    t.mean = __fadd_rn(p.mean, __fmul_rn(delta, __fdiv_rn(q.c, t.c)));
    t.m2 = __fadd_rn(__fadd_rn(p.m2, q.m2),
                     __fmul_rn(__fmul_rn(delta, delta), __fdiv_rn(__fmul_rn(p.c, q.c), t.c)));
  }
  return t;
}

// The butterfly sum; every lane returns lane 0's total.
__device__ inline float warp_row_sum(float acc) {
  const unsigned all = 0xffffffffu;
#pragma unroll
  for (int off = 16; off >= 1; off >>= 1) acc = __fadd_rn(acc, __shfl_xor_sync(all, acc, off));
  return __shfl_sync(all, acc, 0);
}

template <class Io, NormKind kKind, bool kEqualCounts>
__global__ void __launch_bounds__(kNormThreads)
    norm_warp_kernel(const typename Io::T* a, const typename Io::T* gamma,
                     const typename Io::T* beta, int m, int n, float eps, typename Io::T* out) {
  const int lane = threadIdx.x & 31;
  const int row = blockIdx.x * kNormRowsPerBlock + (threadIdx.x >> 5);
  if (row >= m) return;  // whole warps leave together: the shuffles below stay full-warp
  const typename Io::T* x = a + static_cast<size_t>(row) * n;
  typename Io::T* y = out + static_cast<size_t>(row) * n;
  const float fn = __int2float_rn(n);  // static_cast<float>(n) on the host
  float mean = 0.0f, var;
  if constexpr (kKind == NormKind::rmsnorm) {
    float acc = 0.0f;
    for (int i = lane; i < n; i += 32) {
      const float v = Io::load(x[i]);
      acc = __fadd_rn(acc, __fmul_rn(v, v));
    }
    var = __fdiv_rn(warp_row_sum(acc), fn);
  } else if constexpr (kKind == NormKind::layernorm_two_pass) {
    float acc = 0.0f;
    for (int i = lane; i < n; i += 32) acc = __fadd_rn(acc, Io::load(x[i]));
    mean = __fdiv_rn(warp_row_sum(acc), fn);
    float q = 0.0f;
    for (int i = lane; i < n; i += 32) {
      const float d = __fsub_rn(Io::load(x[i]), mean);
      q = __fadd_rn(q, __fmul_rn(d, d));
    }
    var = __fdiv_rn(warp_row_sum(q), fn);
  } else {
    const unsigned all = 0xffffffffu;
    WelfordState st{0.0f, 0.0f, 0.0f};
    for (int i = lane; i < n; i += 32) st = welford_step(st, Io::load(x[i]));
#pragma unroll
    for (int off = 16; off >= 1; off >>= 1) {
      const WelfordState other{__shfl_xor_sync(all, st.c, off), __shfl_xor_sync(all, st.mean, off),
                               __shfl_xor_sync(all, st.m2, off)};
      st = welford_combine<kEqualCounts>(st, other);
    }
    mean = __shfl_sync(all, st.mean, 0);
    var = __fdiv_rn(__shfl_sync(all, st.m2, 0), fn);
  }
  const float r = __fdiv_rn(1.0f, __fsqrt_rn(__fadd_rn(var, eps)));
  for (int i = lane; i < n; i += 32) {
    const float v = Io::load(x[i]);
    const float d = kKind == NormKind::rmsnorm ? v : __fsub_rn(v, mean);
    const float t = __fmul_rn(__fmul_rn(d, r), Io::load(gamma[i]));
    y[i] = Io::store(kKind == NormKind::rmsnorm ? t : __fadd_rn(t, Io::load(beta[i])));
  }
}

template <class Io, NormKind kKind, bool kEqualCounts>
Bits run_norm_warp(int64_t m, int64_t n, const Bits& a, const Bits& gamma, const Bits& beta,
                   float eps) {
  using T = typename Io::T;
  const bool rms = kKind == NormKind::rmsnorm;
  require(m >= 0 && n >= 0, "CUDA norm: negative dimension");
  require(m * n < (int64_t{1} << 31), "CUDA norm: shape too large for 32-bit indexing");
  require(a.size() == static_cast<size_t>(m * n), "CUDA norm: a must hold m*n elements");
  require(gamma.size() == static_cast<size_t>(n), "CUDA norm: gamma must hold n elements");
  require(rms || beta.size() == static_cast<size_t>(n), "CUDA norm: beta must hold n elements");
  if (m == 0 || n == 0) return Bits(static_cast<size_t>(m * n));
  const DeviceBuffer<T> da(pack<T>(a)), dg(pack<T>(gamma)), db(pack<T>(rms ? Bits{} : beta));
  DeviceBuffer<T> dout(static_cast<size_t>(m * n));
  norm_warp_kernel<Io, kKind, kEqualCounts>
      <<<static_cast<unsigned>((m + kNormRowsPerBlock - 1) / kNormRowsPerBlock), kNormThreads>>>(
          da.get(), dg.get(), db.get(), static_cast<int>(m), static_cast<int>(n), eps, dout.get());
  check_launch("norm_warp_kernel");
  check(cudaDeviceSynchronize(), "norm_warp_kernel");
  return unpack(dout.to_host());
}

}  // namespace numguard::cuda::detail
