// The three block-scaled mma.sync instructions of RTX Blackwell, one device function for the
// probe (mma_probe_scaled.cu) and the GEMMs (scaled_gemm_sm120.cu): D = A B + D in place with
// thread-id and byte-id 0 for both scales (scaled_mma_fragments.h says why and what each
// register holds). Only for sm_120a / sm_121a code.
#pragma once

#include <cstdint>

#include "kernels_under_test/cuda/scaled_mma_fragments.h"

namespace numguard::cuda::fragments {

#define NG_BLOCK_SCALED_MMA(instruction)                                                   \
  asm volatile(                                                                            \
      instruction                                                                          \
      " {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3}, %10, {0, 0}, %11, {0, 0};\n" \
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])                                     \
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]), "r"(sa), "r"(sb))

template <Kind K>
__device__ __forceinline__ void block_scaled_mma(float (&d)[4], const uint32_t (&a)[4],
                                                 const uint32_t (&b)[2], uint32_t sa, uint32_t sb) {
  if constexpr (K == Kind::mxf8f6f4_e4m3)
    NG_BLOCK_SCALED_MMA(
        "mma.sync.aligned.m16n8k32.row.col.kind::mxf8f6f4.block_scale.scale_vec::1X.f32.e4m3.e4m3."
        "f32.ue8m0");
  else if constexpr (K == Kind::mxf4_e2m1)
    NG_BLOCK_SCALED_MMA(
        "mma.sync.aligned.m16n8k64.row.col.kind::mxf4.block_scale.scale_vec::2X.f32.e2m1.e2m1.f32."
        "ue8m0");
  else
    NG_BLOCK_SCALED_MMA(
        "mma.sync.aligned.m16n8k64.row.col.kind::mxf4nvf4.block_scale.scale_vec::4X.f32.e2m1.e2m1."
        "f32.ue4m3");
}

#undef NG_BLOCK_SCALED_MMA

}  // namespace numguard::cuda::fragments
