// The tensor-core GEMM kernel (mma.sync PTX) and its host side, shared by gemm_mma.cu and the
// mutants' mutant_kernels.cu.
//
// Tiling: a 128-thread block (4 warps, 2 x 2) computes a 64 x 64 tile of the output; each warp
// a 32 x 32 sub-tile as 2 x 4 mma tiles of 16 x 8. The main loop walks K in 32-wide tiles in
// increasing k: A (64 x 32) and B (32 x 64, stored transposed) are staged in shared memory,
// elements outside M, N or K zero-filled; then, in increasing k, one mma.sync per 16 k
// (m16n8k16, fp16 / bf16) or per 8 k (m16n8k8, tf32) accumulates into registers. An
// instruction whose k range starts at or past K is not issued, so each output element is one
// chain of instructions over k = 0, 16, 32, ... (8 for tf32), the last one zero-padded: the
// order the twins model (kernels_under_test/cpu/twin_kernels.h).
//
// Split-K (blockIdx.z = chunk): the block covers k in [z*chunk, min(K, (z+1)*chunk)) with its
// own chain from C = +0 and writes its partial to the workspace; splitk_reduce_kernel sums
// the partials in chunk order.
//
// tf32 operands are read from their fp32 containers with the low 13 bits cleared (NaN kept),
// the reading the twin's model uses (tensor_core_model.h), so the result does not depend on
// how the hardware treats those bits.
#pragma once

#include "kernels_under_test/cuda/cuda_common.cuh"

namespace numguard::cuda::detail {

constexpr int kBM = 64, kBN = 64, kBK = 32, kMmaThreads = 128;

struct Fp16Op {
  using Elem = uint16_t;
  static constexpr int kMmaK = 16, kPad = 8;
  __device__ static Elem read(Elem x) { return x; }
};
struct Bf16Op {
  using Elem = uint16_t;
  static constexpr int kMmaK = 16, kPad = 8;
  __device__ static Elem read(Elem x) { return x; }
};
struct Tf32Op {
  using Elem = uint32_t;
  static constexpr int kMmaK = 8, kPad = 4;
  __device__ static Elem read(Elem x) {
    const bool nan = (x & 0x7f800000u) == 0x7f800000u && (x & 0x007fffffu) != 0;
    return nan ? x : (x & 0xffffe000u);
  }
};

// Two adjacent 16-bit elements as one register, the lower k in the low half (PTX ISA,
// "Matrix Fragments for mma.m16n8k16 with floating point type").
__device__ inline uint32_t pair(const uint16_t* p) {
  return *reinterpret_cast<const uint32_t*>(p);
}

// Fragments of A (rows r0 .. r0+15, k kk .. kk+K-1) and B (columns c0 .. c0+7) for lane
// (g = lane / 4, t = lane % 4).
template <class Op, int Pitch>
__device__ inline void load_a(uint32_t (&a)[4], const typename Op::Elem (*As)[Pitch], int r0,
                              int kk, int g, int t) {
  if constexpr (Op::kMmaK == 16) {
    a[0] = pair(&As[r0 + g][kk + 2 * t]);
    a[1] = pair(&As[r0 + g + 8][kk + 2 * t]);
    a[2] = pair(&As[r0 + g][kk + 2 * t + 8]);
    a[3] = pair(&As[r0 + g + 8][kk + 2 * t + 8]);
  } else {  // m16n8k8 tf32
    a[0] = As[r0 + g][kk + t];
    a[1] = As[r0 + g + 8][kk + t];
    a[2] = As[r0 + g][kk + t + 4];
    a[3] = As[r0 + g + 8][kk + t + 4];
  }
}
template <class Op, int Pitch>
__device__ inline void load_b(uint32_t (&b)[2], const typename Op::Elem (*Bs)[Pitch], int c0,
                              int kk, int g, int t) {
  if constexpr (Op::kMmaK == 16) {
    b[0] = pair(&Bs[c0 + g][kk + 2 * t]);
    b[1] = pair(&Bs[c0 + g][kk + 2 * t + 8]);
  } else {
    b[0] = Bs[c0 + g][kk + t];
    b[1] = Bs[c0 + g][kk + t + 4];
  }
}

// D = A*B + C for one 16 x 8 tile. mma.sync needs sm_80 for bf16 and tf32 and this shape.
__device__ inline void mma(float (&d)[4], const uint32_t (&a)[4], const uint32_t (&b)[2], Fp16Op) {
#if __CUDA_ARCH__ >= 800
  asm volatile(
      "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, "
      "{%8,%9}, {%0,%1,%2,%3};\n"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
#else
  __trap();
#endif
}
__device__ inline void mma(float (&d)[4], const uint32_t (&a)[4], const uint32_t (&b)[2], Bf16Op) {
#if __CUDA_ARCH__ >= 800
  asm volatile(
      "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, "
      "{%8,%9}, {%0,%1,%2,%3};\n"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
#else
  __trap();
#endif
}
__device__ inline void mma(float (&d)[4], const uint32_t (&a)[4], const uint32_t (&b)[2], Tf32Op) {
#if __CUDA_ARCH__ >= 800
  asm volatile(
      "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, "
      "{%8,%9}, {%0,%1,%2,%3};\n"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
#else
  __trap();
#endif
}
// fp16 accumulator: two registers of two fp16 each (row g: columns 2t, 2t+1; row g+8: same).
__device__ inline void mma(uint32_t (&d)[2], const uint32_t (&a)[4], const uint32_t (&b)[2],
                           Fp16Op) {
#if __CUDA_ARCH__ >= 800
  asm volatile(
      "mma.sync.aligned.m16n8k16.row.col.f16.f16.f16.f16 {%0,%1}, {%2,%3,%4,%5}, {%6,%7}, "
      "{%0,%1};\n"
      : "+r"(d[0]), "+r"(d[1])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
#else
  __trap();
#endif
}

struct MmaArgs {
  const void* a;
  const void* b;
  int m, n, k;
  int chunk;        // k per blockIdx.z (k itself without split-K)
  void* out;        // m x n in the accumulator format, when workspace is null
  void* workspace;  // split-K partials [z][m][n], fp32 (fp16 for the mutant)
  const void* c;    // epilogue c, accumulator format
  DeviceEpilogue ep;
};

template <bool kF16Acc>
struct AccTile;
template <>
struct AccTile<false> {
  float v[4] = {0.0f, 0.0f, 0.0f, 0.0f};
  __device__ float get(int q) const { return v[q]; }
};
template <>
struct AccTile<true> {
  uint32_t v[2] = {0u, 0u};  // +0 in every half
  __device__ uint16_t get(int q) const {
    return static_cast<uint16_t>(v[q >> 1] >> (16 * (q & 1)));
  }
};

// kDropTail, kHalfPartials: the mutants' bugs (mutant_kernels.cu); false in the real kernels.
template <class Op, bool kF16Acc, bool kDropTail, bool kHalfPartials>
__global__ void __launch_bounds__(kMmaThreads) mma_gemm_kernel(MmaArgs args) {
  using Elem = typename Op::Elem;
  constexpr int kPitch = kBK + Op::kPad;
  __shared__ __align__(16) Elem As[kBM][kPitch];
  __shared__ __align__(16) Elem Bs[kBN][kPitch];  // B transposed: Bs[n][k]

  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const int wm = warp >> 1, wn = warp & 1;
  const int g = lane >> 2, t = lane & 3;
  const int m0 = blockIdx.y * kBM, n0 = blockIdx.x * kBN;
  const int lo = blockIdx.z * args.chunk;
  const int hi = min(args.k, lo + args.chunk);
  const Elem* A = static_cast<const Elem*>(args.a);
  const Elem* B = static_cast<const Elem*>(args.b);

  AccTile<kF16Acc> acc[2][4];

  for (int k0 = lo; kDropTail ? k0 + kBK <= hi : k0 < hi; k0 += kBK) {
    for (int i = tid; i < kBM * kBK; i += kMmaThreads) {
      const int r = i / kBK, c = i % kBK, gr = m0 + r, gk = k0 + c;
      As[r][c] =
          gr < args.m && gk < hi ? Op::read(A[static_cast<size_t>(gr) * args.k + gk]) : Elem{0};
    }
    for (int i = tid; i < kBK * kBN; i += kMmaThreads) {
      const int r = i / kBN, c = i % kBN, gk = k0 + r, gn = n0 + c;
      Bs[c][r] =
          gk < hi && gn < args.n ? Op::read(B[static_cast<size_t>(gk) * args.n + gn]) : Elem{0};
    }
    __syncthreads();
#pragma unroll
    for (int kk = 0; kk < kBK; kk += Op::kMmaK) {
      if (k0 + kk >= hi) break;  // no instruction wholly past K
      uint32_t af[2][4], bf[4][2];
#pragma unroll
      for (int mi = 0; mi < 2; ++mi) load_a<Op, kPitch>(af[mi], As, wm * 32 + mi * 16, kk, g, t);
#pragma unroll
      for (int ni = 0; ni < 4; ++ni) load_b<Op, kPitch>(bf[ni], Bs, wn * 32 + ni * 8, kk, g, t);
#pragma unroll
      for (int mi = 0; mi < 2; ++mi)
#pragma unroll
        for (int ni = 0; ni < 4; ++ni) mma(acc[mi][ni].v, af[mi], bf[ni], Op{});
    }
    __syncthreads();
  }

  const size_t mn = static_cast<size_t>(args.m) * args.n;
#pragma unroll
  for (int mi = 0; mi < 2; ++mi)
#pragma unroll
    for (int ni = 0; ni < 4; ++ni)
#pragma unroll
      for (int q = 0; q < 4; ++q) {
        const int r = m0 + wm * 32 + mi * 16 + g + (q >> 1) * 8;
        const int c = n0 + wn * 32 + ni * 8 + 2 * t + (q & 1);
        if (r >= args.m || c >= args.n) continue;
        const size_t i = static_cast<size_t>(r) * args.n + c;
        if constexpr (kF16Acc) {
          const __half y = epilogue_f16(__ushort_as_half(acc[mi][ni].get(q)), args.ep,
                                        static_cast<const uint16_t*>(args.c), i);
          static_cast<uint16_t*>(args.out)[i] = __half_as_ushort(y);
        } else if (args.workspace != nullptr) {
          const size_t w = blockIdx.z * mn + i;
          if constexpr (kHalfPartials) {
            static_cast<__half*>(args.workspace)[w] = __float2half_rn(acc[mi][ni].get(q));
          } else {
            static_cast<float*>(args.workspace)[w] = acc[mi][ni].get(q);
          }
        } else {
          static_cast<float*>(args.out)[i] =
              epilogue_f32(acc[mi][ni].get(q), args.ep, static_cast<const float*>(args.c), i);
        }
      }
}

// Sums the `chunks` partials of each element in chunk order, then runs the epilogue.
template <bool kHalfPartials>
__global__ void splitk_reduce_kernel(const void* workspace, int chunks, int mn, float* out,
                                     const float* c, DeviceEpilogue ep) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= mn) return;
  float acc;
  if constexpr (kHalfPartials) {
    const __half* w = static_cast<const __half*>(workspace);
    __half total = chunks > 0 ? w[i] : __ushort_as_half(0);
    for (int z = 1; z < chunks; ++z) total = __hadd_rn(total, w[static_cast<size_t>(z) * mn + i]);
    acc = __half2float(total);
  } else {
    const float* w = static_cast<const float*>(workspace);
    float total = chunks > 0 ? w[i] : 0.0f;
    for (int z = 1; z < chunks; ++z) total = __fadd_rn(total, w[static_cast<size_t>(z) * mn + i]);
    acc = total;
  }
  out[i] = epilogue_f32(acc, ep, c, i);
}

inline dim3 mma_grid(GemmShape s, int z) {
  return dim3(static_cast<unsigned>((s.n + kBN - 1) / kBN),
              static_cast<unsigned>((s.m + kBM - 1) / kBM), static_cast<unsigned>(z));
}

// The whole GEMM on the host side: out (m x n) in the accumulator format.
template <class Op, bool kF16Acc, bool kDropTail>
Bits run_mma(GemmShape s, const Bits& a, const Bits& b, const Bits& c, const Epilogue& e) {
  using Elem = typename Op::Elem;
  using Out = std::conditional_t<kF16Acc, uint16_t, uint32_t>;
  require_shape(s, a.size(), b.size(), c.size(), e.has_c && !e.identity);
  require(s.m < 65535 * kBM, "CUDA kernel: m too large for the grid");
  const size_t mn = static_cast<size_t>(s.m * s.n);
  if (mn == 0) return {};
  const DeviceBuffer<Elem> da(pack<Elem>(a)), db(pack<Elem>(b));
  const DeviceBuffer<Out> dc(e.has_c && !e.identity ? pack<Out>(c) : std::vector<Out>{});
  DeviceBuffer<Out> dout(mn);
  MmaArgs args{da.get(),
               db.get(),
               static_cast<int>(s.m),
               static_cast<int>(s.n),
               static_cast<int>(s.k),
               static_cast<int>(s.k),
               dout.get(),
               nullptr,
               dc.get(),
               device_epilogue(e)};
  mma_gemm_kernel<Op, kF16Acc, kDropTail, false><<<mma_grid(s, 1), kMmaThreads>>>(args);
  check_launch("mma_gemm_kernel");
  check(cudaDeviceSynchronize(), "mma_gemm_kernel");
  return unpack(dout.to_host());
}

// fp16 -> fp32 split-K: chunks of ceil(K / splits); those starting at or past K do not exist.
template <bool kHalfPartials>
Bits run_mma_splitk(int splits, GemmShape s, const Bits& a, const Bits& b, const Bits& c,
                    const Epilogue& e) {
  require(splits > 0, "CUDA kernel: splits must be positive");
  require_shape(s, a.size(), b.size(), c.size(), e.has_c && !e.identity);
  require(s.m < 65535 * kBM, "CUDA kernel: m too large for the grid");
  const size_t mn = static_cast<size_t>(s.m * s.n);
  if (mn == 0) return {};
  const int64_t chunk = (s.k + splits - 1) / splits;
  const int chunks = s.k == 0 ? 0 : static_cast<int>((s.k + chunk - 1) / chunk);
  const DeviceBuffer<uint16_t> da(pack<uint16_t>(a)), db(pack<uint16_t>(b));
  const DeviceBuffer<uint32_t> dc(e.has_c && !e.identity ? pack<uint32_t>(c)
                                                         : std::vector<uint32_t>{});
  DeviceBuffer<uint32_t> dout(mn);
  using Partial = std::conditional_t<kHalfPartials, uint16_t, uint32_t>;
  DeviceBuffer<Partial> dws(mn * static_cast<size_t>(chunks));
  if (chunks > 0) {
    MmaArgs args{da.get(),
                 db.get(),
                 static_cast<int>(s.m),
                 static_cast<int>(s.n),
                 static_cast<int>(s.k),
                 static_cast<int>(chunk),
                 nullptr,
                 dws.get(),
                 nullptr,
                 DeviceEpilogue{}};
    mma_gemm_kernel<Fp16Op, false, false, kHalfPartials>
        <<<mma_grid(s, chunks), kMmaThreads>>>(args);
    check_launch("mma_gemm_kernel (split-K)");
  }
  constexpr int kThreads = 256;
  splitk_reduce_kernel<kHalfPartials>
      <<<static_cast<unsigned>((mn + kThreads - 1) / kThreads), kThreads>>>(
          dws.get(), chunks, static_cast<int>(mn), reinterpret_cast<float*>(dout.get()),
          reinterpret_cast<const float*>(dc.get()), device_epilogue(e));
  check_launch("splitk_reduce_kernel");
  check(cudaDeviceSynchronize(), "split-K GEMM");
  return unpack(dout.to_host());
}

}  // namespace numguard::cuda::detail
