// Where scaled_gemm_sm100.cu puts its operands for tcgen05.mma (cta_group::1, M = N = 128) and
// the descriptors that point the instruction at them, written once for the device and the host
// so properties/tcgen05_layout_test.cpp can read every tile back through the PTX ISA's rules
// (tcgen05 "Shared memory descriptor", "Instruction descriptor", "Block Scaling").
//
// One CTA computes the 128 x 128 tile of D at (row0, col0), D in tensor memory (TMEM) lane i =
// row i, column j = column j. K is walked in chunks of 128 bytes per row (128 e4m3 or 256
// packed e2m1): A's rows and B's columns (K-major: B's tile row j is column col0 + j of B) go to
// shared memory in the canonical no-swizzle layout, their scales to TMEM, then four
// instructions of 32 bytes of K each run in increasing k.
//
// Shared memory, K-major without swizzle: core matrices of 8 rows x 16 bytes (128 contiguous
// bytes, a row every 16); the two core matrices one instruction reads along K are the leading
// dimension byte offset (LBO) apart, consecutive 8-row groups the stride dimension byte offset
// (SBO) apart. Here LBO = 16 * 128 (all 16 row groups of a 16-byte K slice are contiguous) and
// SBO = 128.
//
// Scales in TMEM: a block's scale is one byte; the instruction reads the scales of row (or
// column) r from lane r % 32 of every 32-lane quarter ("duplicated to all 32 lane partitions"),
// column r / 32 past the scale address it is given, at the byte its scale factor ID names (1X:
// byte ID; 2X: bytes ID, ID + 1 with ID 0 or 2; 4X: bytes 0..3, ID 0). So the blocks of a chunk
// are stored four to a column group: block b of line r at column (b / 4) * 4 + r / 32, byte
// b % 4, and instruction s is pointed at column group s * v / 4 with ID s * v % 4 (v blocks
// per instruction). The same layout cuBLASLt and CUTLASS use for their 128-row scale atoms
// (32 x 4 lines, a row of 16 bytes per lane), copied to TMEM by tcgen05.cp 32x128b.warpx4.
#pragma once

#include <cstdint>

#include "kernels_under_test/cuda/scaled_mma_fragments.h"

namespace numguard::cuda::tcgen05 {

namespace fr = fragments;
using Kind = fr::Kind;

constexpr int kTile = 128;        // M = N = 128 (the largest cta_group::1 shape)
constexpr int kChunkBytes = 128;  // K bytes of each row per shared-memory stage
constexpr int kStepBytes = 32;    // K bytes one instruction reads: 32 e4m3 or 64 e2m1
constexpr int kSteps = kChunkBytes / kStepBytes;
constexpr uint32_t kLbo = 16 * kTile;  // bytes between K-adjacent core matrices
constexpr uint32_t kSbo = 8 * 16;      // bytes between consecutive 8-row groups
constexpr uint32_t kTileBytes = kTile * kChunkBytes;
// TMEM columns: D at 0..127, A's scales at 128, B's at 160 (at most 16 each); a power of two.
constexpr uint32_t kTmemColumns = 256, kScaleColumnA = 128, kScaleColumnB = 160;

NG_FRAG_HD constexpr int elements_per_byte(Kind k) {
  return k == Kind::mxf8f6f4_e4m3 ? 1 : 2;
}
// Scale blocks per instruction: scale_vec::1X, 2X, 4X.
NG_FRAG_HD constexpr int blocks_per_step(Kind k) {
  return fr::instruction_k(k) / fr::scale_block(k);
}
// TMEM columns one chunk's scales take per operand: 4 blocks a column group of 4 columns.
NG_FRAG_HD constexpr int scale_columns(Kind k) {
  return kSteps * blocks_per_step(k);
}

// Byte (row, kbyte) of a tile: canonical K-major layout, no swizzle.
NG_FRAG_HD constexpr uint32_t tile_offset(int row, int kbyte) {
  return static_cast<uint32_t>(kbyte / 16) * kLbo + static_cast<uint32_t>(row / 8) * kSbo +
         static_cast<uint32_t>(row % 8 * 16 + kbyte % 16);
}

// The PTX ISA's matrix-descriptor-encode(x) = (x & 0x3FFFF) >> 4.
NG_FRAG_HD constexpr uint64_t descriptor_encode(uint32_t x) {
  return (x & 0x3FFFFu) >> 4;
}

// Shared memory descriptor of instruction `step`'s operand in the tile at shared address
// `tile`: start at its first K byte, LBO relative (bit 52 = 0), SBO, the fixed 0b001 at bits
// 46-48, base offset 0 and no swizzle (bits 61-63 = 0).
NG_FRAG_HD constexpr uint64_t smem_descriptor(uint32_t tile, int step) {
  const uint32_t start = tile + static_cast<uint32_t>(step) * (kStepBytes / 16) * kLbo;
  return descriptor_encode(start) | descriptor_encode(kLbo) << 16 | descriptor_encode(kSbo) << 32 |
         uint64_t{1} << 46;
}

// Instruction `step` of a chunk: its scale column group (past the first scale column) and its
// scale factor ID. `id_stuck` is the planted bug of the device mutant (the ID left at 0).
NG_FRAG_HD constexpr int step_scale_column(Kind k, int step) {
  return step * blocks_per_step(k) / 4 * 4;
}
NG_FRAG_HD constexpr uint32_t scale_id(Kind k, int step, bool id_stuck = false) {
  return id_stuck ? 0u : static_cast<uint32_t>(step * blocks_per_step(k) % 4);
}

// Instruction descriptor (kind::mxf8f6f4 / kind::mxf4 / kind::mxf4nvf4 tables): B's scale ID at
// bits 4-5, atype 7-9, btype 10-12, N >> 3 at 17-22, the scale type at 23 (UE8M0 = 1, UE4M3 =
// 0), M >> 7 at 27-28, A's scale ID at 29-30; dense, no negation, both operands K-major.
NG_FRAG_HD constexpr uint32_t instruction_descriptor(uint32_t atype, uint32_t btype, bool ue8m0,
                                                     uint32_t id_a, uint32_t id_b) {
  return id_b << 4 | atype << 7 | btype << 10 | uint32_t{kTile >> 3} << 17 | uint32_t{ue8m0} << 23 |
         uint32_t{kTile >> 7} << 27 | id_a << 29;
}
// For these kernels: E4M3 = 0 in kind::mxf8f6f4; E2M1 = 1 in the fp4-only kinds (kind::mxf8f6f4
// would call it 5).
NG_FRAG_HD constexpr uint32_t instruction_descriptor(Kind k, uint32_t id_a, uint32_t id_b) {
  const uint32_t type = k == Kind::mxf8f6f4_e4m3 ? 0u : 1u;
  return instruction_descriptor(type, type, k != Kind::mxf4nvf4_e2m1, id_a, id_b);
}

// Element (line, l) of a row-major operand of `lines` x `len` (A: row, k; B^T: column, k),
// zero past either end, masked to its width.
NG_FRAG_HD uint32_t element(const uint8_t* v, int line, int lines, int l, int len,
                            long long line_stride, long long l_stride, int bits) {
  if (line >= lines || l >= len) return 0u;
  return static_cast<uint32_t>(v[line * line_stride + l * l_stride]) & ((1u << bits) - 1u);
}

// Byte `kbyte` of tile row `r` for the chunk at element k0: one e4m3, or two e2m1 with the
// lower k in the low nibble. A's tile row r is row row0 + r; B's is column col0 + r.
NG_FRAG_HD uint32_t a_tile_byte(const fr::Gemm& x, int row0, int k0, int r, int kbyte) {
  const int per = elements_per_byte(x.kind), bits = fr::element_bits(x.kind);
  uint32_t v = 0;
  for (int j = 0; j < per; ++j)
    v |= element(x.a, row0 + r, x.m, k0 + kbyte * per + j, x.k, x.k, 1, bits) << (bits * j);
  return v;
}
NG_FRAG_HD uint32_t b_tile_byte(const fr::Gemm& x, int col0, int k0, int r, int kbyte) {
  const int per = elements_per_byte(x.kind), bits = fr::element_bits(x.kind);
  uint32_t v = 0;
  for (int j = 0; j < per; ++j)
    v |= element(x.b, col0 + r, x.n, k0 + kbyte * per + j, x.k, 1, x.n, bits) << (bits * j);
  return v;
}

// The TMEM word at lane `lane` (of any quarter), column `column` (0 .. scale_columns - 1) of a
// chunk's scales for lines line0 + ...: bytes j = blocks (column / 4) * 4 + j of line
// line0 + lane + 32 * (column % 4); past the tensor's lines or its kb blocks, the unit scale
// (as the zero padding of the elements beside it). SA holds (row, blk) at row * kb + blk, SB
// (blk, col) at blk * n + col.
NG_FRAG_HD uint32_t scale_word(const fr::Gemm& x, bool b_side, int line0, int k0, int lane,
                               int column) {
  const int line = line0 + lane + 32 * (column % 4), lines = b_side ? x.n : x.m;
  const int first = k0 / fr::scale_block(x.kind) + column / 4 * 4;
  uint32_t w = 0;
  for (int j = 0; j < 4; ++j) {
    const int blk = first + j;
    uint32_t v = fr::unit_scale(x.kind);
    if (line < lines && blk < x.kb)
      v = b_side ? x.sb[static_cast<long long>(blk) * x.n + line]
                 : x.sa[static_cast<long long>(line) * x.kb + blk];
    w |= (v & 0xffu) << (8 * j);
  }
  return w;
}

}  // namespace numguard::cuda::tcgen05
