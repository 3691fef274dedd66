// The block-scaled GEMMs of datacenter Blackwell (scaled_gemm_blackwell.h): one CTA of four warps
// per 128 x 128 tile of D, which lives in tensor memory. Per chunk of 128 K bytes the CTA stores
// A's rows and B's columns in shared memory and their scales in TMEM (tcgen05.st, every warp its
// own lane quarter), then one thread issues the chunk's four tcgen05.mma (each 32 K bytes,
// increasing k, D its own C) and commits them to an mbarrier all threads wait on. Instructions
// whose K lies wholly past k are not issued, so each element is the twin's chain of ceil(k / K)
// blocks (docs/kernels.md, "CUDA kernels"). Layouts and descriptors: tcgen05_layout.h (checked by
// properties/tcgen05_layout_test.cpp). Kernels under test, written for a clear order, not for
// speed: no TMA, no pipelining. Compiled only for sm_100a / sm_103a
// (kernels_under_test/cuda/CMakeLists.txt).
#include <cuda_runtime.h>

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels_under_test/cuda/cuda_common.cuh"
#include "kernels_under_test/cuda/scaled_gemm_blackwell.h"
#include "kernels_under_test/cuda/scaled_gemm_host.cuh"
#include "kernels_under_test/cuda/tcgen05_layout.h"

namespace numguard::cuda {
namespace {

namespace fr = fragments;
namespace t5 = tcgen05;
using Kind = fr::Kind;

#if defined(__CUDA_ARCH_FEAT_SM100_ALL) || defined(__CUDA_ARCH_FEAT_SM103_ALL)
#define NUMGUARD_TCGEN05 1
#endif

#ifdef NUMGUARD_TCGEN05
__device__ __forceinline__ uint32_t shared_address(const void* p) {
  return static_cast<uint32_t>(__cvta_generic_to_shared(p));
}

__device__ __forceinline__ void fence_before_sync() {
  asm volatile("tcgen05.fence::before_thread_sync;" ::: "memory");
}
__device__ __forceinline__ void fence_after_sync() {
  asm volatile("tcgen05.fence::after_thread_sync;" ::: "memory");
}

// One tcgen05.mma of kind K: D = (A sa)(B sb) + D over 32 K bytes (D left out where
// !accumulate).
#define NUMGUARD_TCGEN05_MMA(KIND)                                                    \
  asm volatile(                                                                       \
      "{.reg .pred p; setp.ne.b32 p, %6, 0;\n"                                        \
      "tcgen05.mma.cta_group::1." KIND " [%0], %1, %2, %3, [%4], [%5], p;}" ::"r"(d), \
      "l"(a), "l"(b), "r"(idesc), "r"(sa), "r"(sb), "r"(accumulate)                   \
      : "memory")
template <Kind K>
__device__ __forceinline__ void mma(uint32_t d, uint64_t a, uint64_t b, uint32_t idesc, uint32_t sa,
                                    uint32_t sb, uint32_t accumulate) {
  if constexpr (K == Kind::mxf8f6f4_e4m3)
    NUMGUARD_TCGEN05_MMA("kind::mxf8f6f4.block_scale.scale_vec::1X");
  else if constexpr (K == Kind::mxf4_e2m1)
    NUMGUARD_TCGEN05_MMA("kind::mxf4.block_scale.scale_vec::2X");
  else
    NUMGUARD_TCGEN05_MMA("kind::mxf4nvf4.block_scale.scale_vec::4X");
}
#undef NUMGUARD_TCGEN05_MMA

__device__ __forceinline__ void store_word(uint32_t at, uint32_t w) {
  asm volatile("tcgen05.st.sync.aligned.32x32b.x1.b32 [%0], {%1};" ::"r"(at), "r"(w) : "memory");
}

// Column `column` of this warp's lane quarter of TMEM.
__device__ __forceinline__ uint32_t quarter(uint32_t tmem, int warp, int column) {
  return tmem + (static_cast<uint32_t>(32 * warp) << 16) + static_cast<uint32_t>(column);
}

// A chunk's scales of one operand: this warp's lane quarter, every scale column.
__device__ void store_scales(const fr::Gemm& x, bool b_side, int line0, int k0, uint32_t tmem,
                             int warp, int lane) {
  for (int c = 0; c < t5::scale_columns(x.kind); ++c)
    store_word(quarter(tmem, warp, c), t5::scale_word(x, b_side, line0, k0, lane, c));
}
#endif

// kIdStuck: the mutant's scale factor IDs (t5::scale_id).
template <Kind K, bool kIdStuck>
__global__ void __launch_bounds__(128)
    scaled_gemm_sm100_kernel(fr::Gemm x, float alpha, float* out) {
#ifdef NUMGUARD_TCGEN05
  __shared__ alignas(128) uint8_t tile_a[t5::kTileBytes];
  __shared__ alignas(128) uint8_t tile_b[t5::kTileBytes];
  __shared__ alignas(8) uint64_t mma_done;
  __shared__ uint32_t tmem_holder;
  const int tid = threadIdx.x, warp = tid / 32, lane = tid % 32;
  const int row0 = blockIdx.y * t5::kTile, col0 = blockIdx.x * t5::kTile;

  if (warp == 0) {  // a warp-wide allocation; the address lands in tmem_holder
    asm volatile("tcgen05.alloc.cta_group::1.sync.aligned.shared::cta.b32 [%0], %1;" ::"r"(
                     shared_address(&tmem_holder)),
                 "r"(t5::kTmemColumns)
                 : "memory");
    asm volatile("tcgen05.relinquish_alloc_permit.cta_group::1.sync.aligned;" ::: "memory");
  }
  if (tid == 0)
    asm volatile("mbarrier.init.shared::cta.b64 [%0], 1;" ::"r"(shared_address(&mma_done))
                 : "memory");
  fence_before_sync();
  __syncthreads();
  fence_after_sync();
  const uint32_t tmem = tmem_holder;
  const uint32_t sa_tmem = tmem + t5::kScaleColumnA, sb_tmem = tmem + t5::kScaleColumnB;
  // D = +0, the chain's first C as the twin's, and every instruction accumulates: the ISA does
  // not say which zero enable-input-d = false leaves where the products sum to -0.
  for (int c = 0; c < t5::kTile; ++c) store_word(quarter(tmem, warp, c), 0u);
  asm volatile("tcgen05.wait::st.sync.aligned;" ::: "memory");

  const int chunk_k = t5::kChunkBytes * t5::elements_per_byte(K);
  const int step_k = fr::instruction_k(K);
  uint32_t phase = 0;
  for (int k0 = 0; k0 < x.k; k0 += chunk_k) {
    for (int i = tid; i < t5::kTile * t5::kChunkBytes; i += blockDim.x) {
      const int r = i / t5::kChunkBytes, kbyte = i % t5::kChunkBytes;
      tile_a[t5::tile_offset(r, kbyte)] =
          static_cast<uint8_t>(t5::a_tile_byte(x, row0, k0, r, kbyte));
      tile_b[t5::tile_offset(r, kbyte)] =
          static_cast<uint8_t>(t5::b_tile_byte(x, col0, k0, r, kbyte));
    }
    store_scales(x, false, row0, k0, sa_tmem, warp, lane);
    store_scales(x, true, col0, k0, sb_tmem, warp, lane);
    asm volatile("tcgen05.wait::st.sync.aligned;" ::: "memory");
    // The generic proxy's shared-memory stores, seen by the tensor core's (async) proxy.
    asm volatile("fence.proxy.async.shared::cta;" ::: "memory");
    fence_before_sync();
    __syncthreads();
    if (tid == 0) {
      fence_after_sync();
      for (int s = 0; s < t5::kSteps && k0 + s * step_k < x.k; ++s) {
        const uint32_t id = t5::scale_id(K, s, kIdStuck);
        const uint32_t col = static_cast<uint32_t>(t5::step_scale_column(K, s));
        mma<K>(tmem, t5::smem_descriptor(shared_address(tile_a), s),
               t5::smem_descriptor(shared_address(tile_b), s),
               t5::instruction_descriptor(K, id, id), sa_tmem + col, sb_tmem + col, 1u);
      }
      // Arrives on mma_done once the instructions above have completed.
      asm volatile(
          "tcgen05.commit.cta_group::1.mbarrier::arrive::one.shared::cluster.b64 [%0];" ::"r"(
              shared_address(&mma_done))
          : "memory");
    }
    uint32_t done = 0;
    while (!done)
      asm volatile(
          "{.reg .pred p; mbarrier.try_wait.parity.shared::cta.b64 p, [%1], %2;\n"
          "selp.u32 %0, 1, 0, p;}"
          : "=r"(done)
          : "r"(shared_address(&mma_done)), "r"(phase)
          : "memory");
    phase ^= 1u;
    fence_after_sync();  // before the next chunk overwrites the operands, and before tcgen05.ld
  }

  // D: this thread's row (lane quarter `warp`), eight columns per load.
  const int row = row0 + tid;
  for (int c0 = 0; c0 < t5::kTile; c0 += 8) {
    uint32_t v[8];
    {
      const uint32_t at = quarter(tmem, warp, c0);
      asm volatile(
          "tcgen05.ld.sync.aligned.32x32b.x8.b32 {%0, %1, %2, %3, %4, %5, %6, %7}, [%8];\n"
          "tcgen05.wait::ld.sync.aligned;"
          : "=r"(v[0]), "=r"(v[1]), "=r"(v[2]), "=r"(v[3]), "=r"(v[4]), "=r"(v[5]), "=r"(v[6]),
            "=r"(v[7])
          : "r"(at)
          : "memory");
    }
    for (int j = 0; j < 8; ++j) {
      const int col = col0 + c0 + j;
      const float d = __uint_as_float(v[j]);
      if (row < x.m && col < x.n)
        out[static_cast<long long>(row) * x.n + col] =
            K == Kind::mxf4nvf4_e2m1 ? __fmul_rn(d, alpha) : d;
    }
  }
  fence_before_sync();
  __syncthreads();
  if (warp == 0)
    asm volatile("tcgen05.dealloc.cta_group::1.sync.aligned.b32 %0, %1;" ::"r"(tmem),
                 "r"(t5::kTmemColumns)
                 : "memory");
#else
  __trap();  // built for sm_100a / sm_103a only
#endif
}

template <Kind K, bool kIdStuck>
Bits run(GemmShape s, const Bits& a, const Bits& b, const Bits& sa, const Bits& sb,
         uint32_t alpha) {
  return detail::run_scaled_gemm(
      "scaled_gemm_sm100", K, s, a, b, sa, sb, alpha, scaled_gemm_sm100_runs,
      [&](const fr::Gemm& x, float alpha_f, float* out) {
        const dim3 grid(static_cast<unsigned>((s.n + t5::kTile - 1) / t5::kTile),
                        static_cast<unsigned>((s.m + t5::kTile - 1) / t5::kTile));
        scaled_gemm_sm100_kernel<K, kIdStuck><<<grid, 128>>>(x, alpha_f, out);
      });
}

}  // namespace

bool scaled_gemm_sm100_runs(std::string* why_not) {
  // An image for this device only where it is sm_100a or sm_103a code's GPU.
  return detail::runs_here(
      reinterpret_cast<const void*>(scaled_gemm_sm100_kernel<Kind::mxf8f6f4_e4m3, false>),
      "tcgen05.mma needs datacenter Blackwell (sm_100 / sm_103)", why_not);
}

Bits scaled_gemm_sm100(ScaledProbeInput kind, GemmShape s, const Bits& a, const Bits& b,
                       const Bits& sa, const Bits& sb, uint32_t alpha) {
  return detail::for_kind("scaled_gemm_sm100", kind, run<Kind::mxf8f6f4_e4m3, false>,
                          run<Kind::mxf4_e2m1, false>,
                          run<Kind::mxf4nvf4_e2m1, false>)(s, a, b, sa, sb, alpha);
}

Bits mutant_scaled_gemm_sm100_scale_id(GemmShape s, const Bits& a, const Bits& b, const Bits& sa,
                                       const Bits& sb) {
  return run<Kind::mxf8f6f4_e4m3, true>(s, a, b, sa, sb, 0x3f800000u);
}

}  // namespace numguard::cuda
