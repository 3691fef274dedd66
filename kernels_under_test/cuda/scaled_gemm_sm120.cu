// The block-scaled GEMMs of RTX Blackwell (scaled_gemm_blackwell.h): one warp per 16 x 8 output
// tile, walking K in increasing steps of the instruction's K (32 for kind::mxf8f6f4, 64 for
// kind::mxf4 and kind::mxf4nvf4), one mma.sync per step, its accumulator the chain's C (so each
// element is the twin's chain of blocks: docs/kernels.md, "CUDA kernels"). Operands are read
// straight from global memory into the fragments scaled_mma_fragments.h defines (and
// properties/scaled_mma_fragments_test.cpp checks): kernels under test, written for a clear
// order, not for speed. Compiled only for sm_120a / sm_121a
// (kernels_under_test/cuda/CMakeLists.txt).
#include <cuda_runtime.h>

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels_under_test/cuda/block_scaled_mma.cuh"
#include "kernels_under_test/cuda/cuda_common.cuh"
#include "kernels_under_test/cuda/scaled_gemm_blackwell.h"
#include "kernels_under_test/cuda/scaled_gemm_host.cuh"
#include "kernels_under_test/cuda/scaled_mma_fragments.h"

namespace numguard::cuda {
namespace {

namespace fr = fragments;
using Kind = fr::Kind;

constexpr int kWarps = 4;  // per block

// kOneRowPerQuad: the mutant's A scale loader (fr::gemm_scale_a).
template <Kind K, bool kOneRowPerQuad>
__global__ void __launch_bounds__(32 * kWarps)
    scaled_gemm_sm120_kernel(fr::Gemm x, float alpha, float* out) {
#if defined(__CUDA_ARCH_FEAT_SM120_ALL) || defined(__CUDA_ARCH_FEAT_SM121_ALL)
  const int lane = threadIdx.x & 31, g = lane >> 2, t = lane & 3;
  const int tile = blockIdx.x * kWarps + (threadIdx.x >> 5);
  const int tiles_n = (x.n + 7) / 8;
  const int row0 = tile / tiles_n * 16, col0 = tile % tiles_n * 8;
  if (row0 >= x.m) return;  // the whole warp: tile is warp-uniform
  float d[4] = {0.0f, 0.0f, 0.0f, 0.0f};
  for (int k0 = 0; k0 < x.k; k0 += fr::instruction_k(K)) {
    const uint32_t a[4] = {
        fr::gemm_a_reg(x, row0, k0, g, t, 0), fr::gemm_a_reg(x, row0, k0, g, t, 1),
        fr::gemm_a_reg(x, row0, k0, g, t, 2), fr::gemm_a_reg(x, row0, k0, g, t, 3)};
    const uint32_t b[2] = {fr::gemm_b_reg(x, col0, k0, g, t, 0),
                           fr::gemm_b_reg(x, col0, k0, g, t, 1)};
    fr::block_scaled_mma<K>(d, a, b, fr::gemm_scale_a(x, row0, k0, lane, kOneRowPerQuad),
                            fr::gemm_scale_b(x, col0, k0, lane));
  }
  // D fragment: d0, d1 at row g, columns 2t and 2t + 1; d2, d3 at row g + 8.
  for (int q = 0; q < 4; ++q) {
    const int row = row0 + g + (q >= 2 ? 8 : 0), col = col0 + 2 * t + (q & 1);
    const float v = K == Kind::mxf4nvf4_e2m1 ? __fmul_rn(d[q], alpha) : d[q];
    if (row < x.m && col < x.n) out[static_cast<long long>(row) * x.n + col] = v;
  }
#else
  __trap();  // built for sm_120a / sm_121a only
#endif
}

template <Kind K, bool kOneRowPerQuad>
Bits run(GemmShape s, const Bits& a, const Bits& b, const Bits& sa, const Bits& sb,
         uint32_t alpha) {
  return detail::run_scaled_gemm(
      "scaled_gemm_sm120", K, s, a, b, sa, sb, alpha, scaled_gemm_sm120_runs,
      [&](const fr::Gemm& x, float alpha_f, float* out) {
        const int64_t tiles = (s.m + 15) / 16 * ((s.n + 7) / 8);
        scaled_gemm_sm120_kernel<K, kOneRowPerQuad>
            <<<static_cast<unsigned>((tiles + kWarps - 1) / kWarps), 32 * kWarps>>>(x, alpha_f,
                                                                                    out);
      });
}

}  // namespace

bool scaled_gemm_sm120_runs(std::string* why_not) {
  return mma_probe_has_block_scaled(why_not);  // the same sm_120a / sm_121a code object
}

Bits scaled_gemm_sm120(ScaledProbeInput kind, GemmShape s, const Bits& a, const Bits& b,
                       const Bits& sa, const Bits& sb, uint32_t alpha) {
  return detail::for_kind("scaled_gemm_sm120", kind, run<Kind::mxf8f6f4_e4m3, false>,
                          run<Kind::mxf4_e2m1, false>,
                          run<Kind::mxf4nvf4_e2m1, false>)(s, a, b, sa, sb, alpha);
}

Bits mutant_scaled_gemm_sm120_scale_rows(GemmShape s, const Bits& a, const Bits& b, const Bits& sa,
                                         const Bits& sb) {
  return run<Kind::mxf8f6f4_e4m3, true>(s, a, b, sa, sb, 0x3f800000u);
}

}  // namespace numguard::cuda
