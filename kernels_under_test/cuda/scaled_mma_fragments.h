// Which bits each lane of the block-scaled probe (mma_probe_scaled.cu) puts in each register
// of one mma.sync: row 0 of A, column 0 of B and their scales, everything else zero (scales of
// one). Written once for the device and the host, so properties/scaled_mma_fragments_test.cpp
// can read the registers back through the PTX ISA's fragment formulas on a machine without
// the GPU.
//
// Layouts (g = lane / 4, t = lane % 4): PTX ISA 8.7+, "Matrix Fragments for mma.m16n8k32"
// (e4m3: four per register, byte j is k offset j; A registers 0..3 hold rows g, g+8, g, g+8 at
// k 4t and 16 + 4t; B registers 0..1 hold column g at k 4t and 16 + 4t) and "mma.m16n8k64"
// (e2m1 under kind::mxf4 / kind::mxf4nvf4: eight per register, nibble j is k offset j, the same
// pattern at k 8t and 32 + 8t). "Block Scaling for mma.sync": with thread-id-a = 0 the lanes
// with laneid % 4 of 0 and 1 supply A's scales (one row g, one row g + 8); with thread-id-b =
// 0 lane 4g supplies column g's. The PTX text leaves two points to its figures: lane 4g holds
// row g and lane 4g + 1 row g + 8, and byte j of a scale register scales k in
// [j * block, (j + 1) * block). Both are read from CUTLASS's SM120 layouts and from the
// loaders of MMA-Sim's sm_120a kernels (kernels/impl/mma.h: row = laneid % 2 * 8 + laneid / 4,
// scales read as one little-endian word per row), which its authors ran on RTX Blackwell.
// Every lane of quad 0 supplies row 0's scales anyway (row 8 is zero under any scale).
#pragma once

#include <cstdint>

#ifdef __CUDACC__
#define NG_FRAG_HD __host__ __device__ __forceinline__
#else
#define NG_FRAG_HD inline
#endif

namespace numguard::cuda::fragments {

enum class Kind : uint8_t { mxf8f6f4_e4m3, mxf4_e2m1, mxf4nvf4_e2m1 };

NG_FRAG_HD constexpr int instruction_k(Kind k) {
  return k == Kind::mxf8f6f4_e4m3 ? 32 : 64;
}
NG_FRAG_HD constexpr int scale_block(Kind k) {
  return k == Kind::mxf4nvf4_e2m1 ? 16 : 32;
}
NG_FRAG_HD constexpr uint32_t unit_scale(Kind k) {  // UE4M3 1.0 = 0x38, UE8M0 1.0 = 127
  return k == Kind::mxf4nvf4_e2m1 ? 0x38u : 0x7fu;
}

// The probe's dot product: n elements (patterns widened to 32 bits), nscale scales each.
struct Dot {
  const uint32_t* a;
  const uint32_t* b;
  const uint32_t* sa;
  const uint32_t* sb;
  int n, nscale;
};

NG_FRAG_HD uint32_t at(const uint32_t* v, int n, int i, uint32_t pad) {
  return i < n ? v[i] : pad;
}

// Packs `count` elements of `bits` width each from v[first..], element j at bits j * width.
NG_FRAG_HD uint32_t pack(const uint32_t* v, int n, int first, int count, int width) {
  const uint32_t mask = (1u << width) - 1u;
  uint32_t r = 0;
  for (int j = 0; j < count; ++j) r |= (at(v, n, first + j, 0u) & mask) << (width * j);
  return r;
}

// A register r (0..3) of lane (g, t) in the instruction starting at k0.
NG_FRAG_HD uint32_t a_reg(Kind k, const Dot& d, int k0, int g, int t, int r) {
  if (g != 0 || (r & 1)) return 0u;  // registers 1 and 3 hold row g + 8; only row 0 is set
  const bool fp8 = k == Kind::mxf8f6f4_e4m3;
  const int per = fp8 ? 4 : 8, half = fp8 ? 16 : 32;
  return pack(d.a, d.n, k0 + per * t + (r == 2 ? half : 0), per, fp8 ? 8 : 4);
}

// B register r (0..1) of lane (g, t): column g, only column 0 set.
NG_FRAG_HD uint32_t b_reg(Kind k, const Dot& d, int k0, int g, int t, int r) {
  if (g != 0) return 0u;
  const bool fp8 = k == Kind::mxf8f6f4_e4m3;
  const int per = fp8 ? 4 : 8, half = fp8 ? 16 : 32;
  return pack(d.b, d.n, k0 + per * t + half * r, per, fp8 ? 8 : 4);
}

// The scale register of lane (g, t) for A (s = d.sa) or B (s = d.sb): byte j scales the
// instruction's j-th block; quad 0 carries row 0's / column 0's scales, the rest ones.
NG_FRAG_HD uint32_t scale_reg(Kind k, const Dot& d, const uint32_t* s, int k0, int g) {
  const int block = scale_block(k);
  uint32_t r = 0;
  for (int j = 0; j < instruction_k(k) / block; ++j) {
    const uint32_t v = g == 0 ? at(s, d.nscale, k0 / block + j, unit_scale(k)) : unit_scale(k);
    r |= (v & 0xffu) << (8 * j);
  }
  return r;
}

// The block-scaled GEMM (scaled_gemm_sm120.cu): one warp computes the 16 x 8 tile of D = (A SA)
// (B SB) at (row0, col0) with one instruction of `kind` per instruction_k(kind) k, in increasing
// k. A (m x k) and B (k x n): one element pattern per byte (an fp4 in the low nibble),
// row-major; SA (m x kb) and SB (kb x n): scale bytes, one per scale_block(kind) k (kb =
// ceil(k / block)). Elements past m, n or k are zeros, scales past m, n or kb ones.
struct Gemm {
  const uint8_t* a;
  const uint8_t* b;
  const uint8_t* sa;
  const uint8_t* sb;
  int m, n, k, kb;
  Kind kind = Kind::mxf8f6f4_e4m3;
};

// Elements per register, bits per element, and the k offset of the second half of a fragment.
NG_FRAG_HD constexpr int per_reg(Kind k) {
  return k == Kind::mxf8f6f4_e4m3 ? 4 : 8;
}
NG_FRAG_HD constexpr int element_bits(Kind k) {
  return k == Kind::mxf8f6f4_e4m3 ? 8 : 4;
}

NG_FRAG_HD uint32_t gemm_a_reg(const Gemm& x, int row0, int k0, int g, int t, int r) {
  const int per = per_reg(x.kind), bits = element_bits(x.kind);
  const int row = row0 + g + ((r & 1) ? 8 : 0),
            col = k0 + per * t + ((r & 2) ? instruction_k(x.kind) / 2 : 0);
  uint32_t v = 0;
  for (int j = 0; j < per; ++j)
    if (row < x.m && col + j < x.k)
      v |= (uint32_t{x.a[static_cast<long long>(row) * x.k + col + j]} & ((1u << bits) - 1u))
           << (bits * j);
  return v;
}

NG_FRAG_HD uint32_t gemm_b_reg(const Gemm& x, int col0, int k0, int g, int t, int r) {
  const int per = per_reg(x.kind), bits = element_bits(x.kind);
  const int col = col0 + g, row = k0 + per * t + r * (instruction_k(x.kind) / 2);
  uint32_t v = 0;
  for (int j = 0; j < per; ++j)
    if (col < x.n && row + j < x.k)
      v |= (uint32_t{x.b[static_cast<long long>(row + j) * x.n + col]} & ((1u << bits) - 1u))
           << (bits * j);
  return v;
}

// The scale register over scale row `line` (A's row or B's column) of a tensor holding scale
// (line, blk) at line * line_stride + blk * blk_stride: byte j scales the instruction's j-th
// block; past the tensor's lines or its kb blocks, the unit scale.
NG_FRAG_HD uint32_t gemm_scale_reg(const Gemm& x, const uint8_t* s, int line, int lines,
                                   long long line_stride, long long blk_stride, int k0) {
  const int block = scale_block(x.kind);
  uint32_t r = 0;
  for (int j = 0; j < instruction_k(x.kind) / block; ++j) {
    const int blk = k0 / block + j;
    const uint32_t v =
        line < lines && blk < x.kb ? s[line * line_stride + blk * blk_stride] : unit_scale(x.kind);
    r |= (v & 0xffu) << (8 * j);
  }
  return r;
}

// A's scale register of `lane`: lane 4g (and 4g + 2) row g, lane 4g + 1 (and 4g + 3) row g + 8.
// `one_row_per_quad` is the planted bug of a CUDA mutant: every lane of quad g gives row g, as
// B's loader gives column g (rows g + 8 scaled by row g's scales).
NG_FRAG_HD uint32_t gemm_scale_a(const Gemm& x, int row0, int k0, int lane,
                                 bool one_row_per_quad = false) {
  const int row = row0 + lane / 4 + (one_row_per_quad ? 0 : (lane % 2) * 8);
  return gemm_scale_reg(x, x.sa, row, x.m, x.kb, 1, k0);
}

// B's scale register of `lane`: column lane / 4.
NG_FRAG_HD uint32_t gemm_scale_b(const Gemm& x, int col0, int k0, int lane) {
  return gemm_scale_reg(x, x.sb, col0 + lane / 4, x.n, 1, x.n, k0);
}

}  // namespace numguard::cuda::fragments
