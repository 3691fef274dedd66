// Flash-style attention, one thread block per query row (twin: the tiled algorithm of
// kernels_under_test/cpu/attention_rows.h, run by register_attention.cpp's "<name>.twin").
//
// Block of T = 32 * ceil(max(k, block) / 32) threads; thread d owns output column d < k.
// The row of q is decoded once into shared memory. For each key tile [t0, t1) of `block`
// visible keys, in increasing order:
//   - thread jj < t1 - t0 computes the score of key t0 + jj: dot = 0; dot = dot + q_d * k_d for
//     d = 0, 1, ... (sequential, as the twin); s = dot * scale, into shared memory;
//   - every thread then reads the tile's scores in key order and computes, redundantly and
//     identically: mt = NaN-keeping max over the tile, mn = max(m, mt) (a tile with no finite
//     max yet is skipped: the same for every thread, so the barriers stay uniform);
//     e_j = exp(s_j - mn), ls = ls + e_j; thread d adds pv_d = pv_d + e_j * v_jd in key order;
//   - first tile with a finite max: l = ls, acc_d = pv_d; later tiles: corr = exp(m - mn),
//     l = l * corr + ls, acc_d = acc_d * corr + pv_d; m = mn.
// y_d = acc_d / l (zeros when l == 0: nothing visible), RNE into the input format.
// Every operation is an explicit _rn intrinsic or fp32math (fp32_math.h, the twin's exp), and
// the file is compiled with -fmad=false, so nothing is contracted behind the twin's back.
#include <algorithm>

#include "kernels_under_test/cpu/fp32_math.h"
#include "kernels_under_test/cuda/attention_launch.h"
#include "kernels_under_test/cuda/cuda_common.cuh"

namespace numguard::cuda {
namespace detail {
namespace {

template <AttnInput kIn>
struct AttnIo;
template <>
struct AttnIo<AttnInput::fp16> {
  using T = uint16_t;
  __device__ static float load(T b) { return fp16_to_f32(b); }
  __device__ static T store(float y) { return __half_as_ushort(__float2half_rn(y)); }
};
template <>
struct AttnIo<AttnInput::bf16> {
  using T = uint16_t;
  __device__ static float load(T b) { return bf16_to_f32(b); }
  __device__ static T store(float y) { return __bfloat16_as_ushort(__float2bfloat16_rn(y)); }
};
template <>
struct AttnIo<AttnInput::fp32> {
  using T = uint32_t;
  __device__ static float load(T b) { return __uint_as_float(b); }
  __device__ static T store(float y) { return __float_as_uint(y); }
};

// The twin's max_nan: keeps a NaN once one is seen.
__device__ inline float max_nan(float a, float b) {
  return (b > a || b != b) ? b : a;
}

template <AttnInput kIn>
__global__ void attention_tiled_kernel(const typename AttnIo<kIn>::T* q,
                                       const typename AttnIo<kIn>::T* keys,
                                       const typename AttnIo<kIn>::T* v, const int* lengths, int k,
                                       int block, float scale, typename AttnIo<kIn>::T* out) {
  using Io = AttnIo<kIn>;
  extern __shared__ float shared[];
  float* qs = shared;     // q row, k values
  float* s = shared + k;  // the tile's scores, block values
  const int row = blockIdx.x, tid = threadIdx.x;
  const bool owns = tid < k;
  for (int d = tid; d < k; d += blockDim.x) qs[d] = Io::load(q[static_cast<size_t>(row) * k + d]);
  const int nk = lengths[row];  // clamped to [0, n] by the launcher
  const float neg_inf = __uint_as_float(0xff800000u);
  float m = neg_inf, l = 0.0f, acc = 0.0f;
  for (int t0 = 0; t0 < nk; t0 += block) {
    const int len = min(block, nk - t0);
    __syncthreads();  // q is in shared memory; the previous tile's scores are read
    if (tid < len) {
      const typename Io::T* kr = keys + static_cast<size_t>(t0 + tid) * k;
      float dot = 0.0f;
      for (int d = 0; d < k; ++d) dot = __fadd_rn(dot, __fmul_rn(qs[d], Io::load(kr[d])));
      s[tid] = __fmul_rn(dot, scale);
    }
    __syncthreads();
    float mt = neg_inf;
    for (int jj = 0; jj < len; ++jj) mt = max_nan(mt, s[jj]);
    const float mn = max_nan(m, mt);
    if (mn == neg_inf) continue;  // no finite score yet (uniform over the block)
    float ls = 0.0f, pv = 0.0f;
    for (int jj = 0; jj < len; ++jj) {
      const float e = kernels::fp32math::exp(__fsub_rn(s[jj], mn));
      ls = __fadd_rn(ls, e);
      if (owns)
        pv = __fadd_rn(pv, __fmul_rn(e, Io::load(v[static_cast<size_t>(t0 + jj) * k + tid])));
    }
    if (m == neg_inf) {  // first tile with a finite max: nothing to rescale
      l = ls;
      acc = pv;
    } else {
      const float corr = kernels::fp32math::exp(__fsub_rn(m, mn));
      l = __fadd_rn(__fmul_rn(l, corr), ls);
      acc = __fadd_rn(__fmul_rn(acc, corr), pv);
    }
    m = mn;
  }
  if (owns)
    out[static_cast<size_t>(row) * k + tid] = Io::store(l == 0.0f ? 0.0f : __fdiv_rn(acc, l));
}

template <AttnInput kIn>
Bits run_attention(int block, int64_t m, int64_t n, int64_t k, const Bits& q, const Bits& keys,
                   const Bits& v, const std::vector<int64_t>& lengths, float scale) {
  using T = typename AttnIo<kIn>::T;
  require(m >= 0 && n >= 0 && k >= 0, "attention_tiled: negative dimension");
  require(block >= 1 && block <= 1024, "attention_tiled: block must be in [1, 1024]");
  require(k <= 1024, "attention_tiled: k must be at most 1024 (one thread per column)");
  require(m * k < (int64_t{1} << 31) && n * k < (int64_t{1} << 31) && m < (int64_t{1} << 31),
          "attention_tiled: shape too large for 32-bit indexing");
  require(q.size() == static_cast<size_t>(m * k), "attention_tiled: q must hold m*k elements");
  require(keys.size() == static_cast<size_t>(n * k), "attention_tiled: K must hold n*k elements");
  require(v.size() == static_cast<size_t>(n * k), "attention_tiled: V must hold n*k elements");
  require(lengths.size() == static_cast<size_t>(m), "attention_tiled: lengths must hold m values");
  if (m * k == 0) return Bits(static_cast<size_t>(m * k), 0);
  std::vector<int> len(static_cast<size_t>(m));
  for (size_t i = 0; i < len.size(); ++i)
    len[i] = static_cast<int>(std::clamp<int64_t>(lengths[i], 0, n));  // as the twin
  const DeviceBuffer<T> dq(pack<T>(q)), dk(pack<T>(keys)), dv(pack<T>(v));
  const DeviceBuffer<int> dl(len);
  DeviceBuffer<T> dout(static_cast<size_t>(m * k));
  const int threads = static_cast<int>((std::max<int64_t>(k, block) + 31) / 32 * 32);
  const size_t smem = static_cast<size_t>(k + block) * sizeof(float);
  attention_tiled_kernel<kIn><<<static_cast<unsigned>(m), threads, smem>>>(
      dq.get(), dk.get(), dv.get(), dl.get(), static_cast<int>(k), block, scale, dout.get());
  check_launch("attention_tiled_kernel");
  check(cudaDeviceSynchronize(), "attention_tiled_kernel");
  return unpack(dout.to_host());
}

}  // namespace
}  // namespace detail

Bits attention_tiled(AttnInput in, int block, int64_t m, int64_t n, int64_t k, const Bits& q,
                     const Bits& keys, const Bits& v, const std::vector<int64_t>& lengths,
                     float scale) {
  switch (in) {
    case AttnInput::fp16:
      return detail::run_attention<AttnInput::fp16>(block, m, n, k, q, keys, v, lengths, scale);
    case AttnInput::bf16:
      return detail::run_attention<AttnInput::bf16>(block, m, n, k, q, keys, v, lengths, scale);
    case AttnInput::fp32:
      break;
  }
  return detail::run_attention<AttnInput::fp32>(block, m, n, k, q, keys, v, lengths, scale);
}

}  // namespace numguard::cuda
