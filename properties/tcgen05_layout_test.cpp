// The tcgen05 GEMMs' operands (kernels_under_test/cuda/tcgen05_layout.h), read back on the
// host the way the PTX ISA says tcgen05.mma reads them: shared memory through the descriptor's
// fields (start, LBO, SBO; K-major, no swizzle: element byte (r, c) of the operand at start +
// (c / 16) LBO + (r / 8) SBO + (r % 8) 16 + c % 16), scales from TMEM lane r % 32 of each lane
// quarter, column r / 32 past the scale address, byte ID + i. Every instruction of every chunk
// must see exactly its slice of A, B and their scales (zero elements and unit scales past the
// tensors). The instruction descriptor is checked against published encodings. No GPU needed.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "kernels_under_test/cuda/tcgen05_layout.h"

namespace numguard::cuda::tcgen05 {
namespace {

constexpr Kind kKinds[] = {Kind::mxf8f6f4_e4m3, Kind::mxf4_e2m1, Kind::mxf4nvf4_e2m1};

// A GEMM's tensors with random elements and scales (row-major as scaled_gemm_blackwell.h takes
// them).
struct Operands {
  std::vector<uint8_t> a, b, sa, sb;
  fr::Gemm x;
};

Operands random_gemm(Kind kind, int m, int n, int k, uint32_t seed) {
  std::mt19937 rng(seed);
  const int kb = (k + fr::scale_block(kind) - 1) / fr::scale_block(kind);
  const uint32_t mask = (1u << fr::element_bits(kind)) - 1u;
  Operands o;
  const auto fill = [&](std::vector<uint8_t>& v, size_t size, uint32_t keep) {
    v.resize(size);
    for (uint8_t& e : v) e = static_cast<uint8_t>(rng() & keep);
  };
  fill(o.a, static_cast<size_t>(m) * k, mask);
  fill(o.b, static_cast<size_t>(k) * n, mask);
  fill(o.sa, static_cast<size_t>(m) * kb, 0xffu);
  fill(o.sb, static_cast<size_t>(kb) * n, 0xffu);
  o.x = {o.a.data(), o.b.data(), o.sa.data(), o.sb.data(), m, n, k, kb, kind};
  return o;
}

// The element a tile stands for, from the tensors: zero past their ends.
uint32_t a_at(const fr::Gemm& x, int row, int l) {
  return row < x.m && l < x.k ? x.a[static_cast<size_t>(row) * x.k + l] : 0u;
}
uint32_t b_at(const fr::Gemm& x, int l, int col) {
  return col < x.n && l < x.k ? x.b[static_cast<size_t>(l) * x.n + col] : 0u;
}
uint32_t sa_at(const fr::Gemm& x, int row, int blk) {
  return row < x.m && blk < x.kb ? x.sa[static_cast<size_t>(row) * x.kb + blk]
                                 : fr::unit_scale(x.kind);
}
uint32_t sb_at(const fr::Gemm& x, int blk, int col) {
  return col < x.n && blk < x.kb ? x.sb[static_cast<size_t>(blk) * x.n + col]
                                 : fr::unit_scale(x.kind);
}

// A tile as the kernel stores it; every byte written exactly once.
std::vector<uint8_t> store_tile(const fr::Gemm& x, bool b_side, int line0, int k0) {
  std::vector<uint8_t> tile(kTileBytes, 0);
  std::vector<int> writes(kTileBytes, 0);
  for (int r = 0; r < kTile; ++r)
    for (int c = 0; c < kChunkBytes; ++c) {
      const uint32_t at = tile_offset(r, c);
      EXPECT_LT(at, kTileBytes) << "row " << r << " byte " << c;
      if (at >= kTileBytes) continue;
      ++writes[at];
      tile[at] = static_cast<uint8_t>(b_side ? b_tile_byte(x, line0, k0, r, c)
                                             : a_tile_byte(x, line0, k0, r, c));
    }
  for (uint32_t i = 0; i < kTileBytes; ++i) EXPECT_EQ(writes[i], 1) << "tile byte " << i;
  return tile;
}

// The operand byte (r, c) instruction `step` reads from `tile` (shared address 0), through its
// descriptor's fields.
uint32_t descriptor_read(const std::vector<uint8_t>& tile, int step, int r, int c) {
  const uint64_t d = smem_descriptor(0, step);
  const uint64_t start = (d & 0x3fff) << 4, lbo = (d >> 16 & 0x3fff) << 4,
                 sbo = (d >> 32 & 0x3fff) << 4;
  const uint64_t at = start + static_cast<uint64_t>(c / 16) * lbo +
                      static_cast<uint64_t>(r / 8) * sbo +
                      static_cast<uint64_t>(r % 8 * 16 + c % 16);
  return at < tile.size() ? tile[at] : 0xdeadu;
}

// TMEM, 128 lanes x 256 columns, with a chunk's scales stored as the kernel stores them: warp w
// its lane quarter, every column.
using Tmem = std::vector<std::vector<uint32_t>>;
void store_scales(Tmem& t, const fr::Gemm& x, bool b_side, int line0, int k0, uint32_t first) {
  for (int w = 0; w < 4; ++w)
    for (int lane = 0; lane < 32; ++lane)
      for (int c = 0; c < scale_columns(x.kind); ++c)
        t[32 * w + lane][first + c] = scale_word(x, b_side, line0, k0, lane, c);
}

// Scale i of line r that instruction `step` reads (scale address first + its column group, its
// ID); the four lane quarters must agree.
uint32_t scale_read(const Tmem& t, Kind kind, uint32_t first, int step, int r, int i) {
  const uint32_t column = first + step_scale_column(kind, step) + r / 32;
  const uint32_t byte = scale_id(kind, step) + i;
  const uint32_t v = t[r % 32][column] >> (8 * byte) & 0xffu;
  for (int q = 1; q < 4; ++q)
    EXPECT_EQ(t[32 * q + r % 32][column] >> (8 * byte) & 0xffu, v) << "lane quarter " << q;
  return v;
}

// Walks every chunk of one CTA tile (row0, col0) and checks what each instruction sees.
void check_tile(const fr::Gemm& x, int row0, int col0) {
  const Kind kind = x.kind;
  const int per = elements_per_byte(kind), bits = fr::element_bits(kind);
  const int step_k = fr::instruction_k(kind), v = blocks_per_step(kind);
  const int bl = fr::scale_block(kind);
  const uint32_t mask = (1u << bits) - 1u;
  for (int k0 = 0; k0 < x.k; k0 += kChunkBytes * per) {
    const std::vector<uint8_t> ta = store_tile(x, false, row0, k0),
                               tb = store_tile(x, true, col0, k0);
    Tmem t(kTile, std::vector<uint32_t>(kTmemColumns, 0xdeadbeefu));
    store_scales(t, x, false, row0, k0, kScaleColumnA);
    store_scales(t, x, true, col0, k0, kScaleColumnB);
    for (int s = 0; s < kSteps; ++s) {
      const int kstep = k0 + s * step_k;
      for (int r = 0; r < kTile; ++r)
        for (int c = 0; c < kStepBytes; ++c)
          for (int j = 0; j < per; ++j) {
            const int l = kstep + c * per + j;  // the lower k in the low nibble
            ASSERT_EQ(descriptor_read(ta, s, r, c) >> (bits * j) & mask, a_at(x, row0 + r, l))
                << "A row " << row0 + r << " k " << l;
            ASSERT_EQ(descriptor_read(tb, s, r, c) >> (bits * j) & mask, b_at(x, l, col0 + r))
                << "B col " << col0 + r << " k " << l;
          }
      for (int r = 0; r < kTile; ++r)
        for (int i = 0; i < v; ++i) {
          const int blk = kstep / bl + i;
          ASSERT_EQ(scale_read(t, kind, kScaleColumnA, s, r, i), sa_at(x, row0 + r, blk))
              << "SA row " << row0 + r << " block " << blk;
          ASSERT_EQ(scale_read(t, kind, kScaleColumnB, s, r, i), sb_at(x, blk, col0 + r))
              << "SB col " << col0 + r << " block " << blk;
        }
    }
  }
}

TEST(Tcgen05Layout, EveryInstructionSeesItsSliceOfAAndBAndTheirScales) {
  struct Shape {
    int m, n, k;
  };
  // One tile and past it; k within one chunk, across chunks, and short of a step or a block.
  const std::vector<Shape> shapes = {{128, 128, 256}, {1, 1, 1}, {130, 129, 300}, {7, 200, 520}};
  ASSERT_FALSE(shapes.empty());
  uint32_t seed = 20261208;
  for (Kind kind : kKinds)
    for (const Shape& sh : shapes) {
      SCOPED_TRACE(testing::Message() << "kind " << static_cast<int>(kind) << " m " << sh.m << " n "
                                      << sh.n << " k " << sh.k << " seed " << seed);
      const Operands o = random_gemm(kind, sh.m, sh.n, sh.k, seed++);
      for (int row0 = 0; row0 < sh.m; row0 += kTile)
        for (int col0 = 0; col0 < sh.n; col0 += kTile) check_tile(o.x, row0, col0);
    }
}

TEST(Tcgen05Layout, ScalesFitBetweenDAndTheEndOfTheAllocation) {
  for (Kind kind : kKinds) {
    EXPECT_GE(kScaleColumnA, static_cast<uint32_t>(kTile));  // D: columns 0..127
    EXPECT_LE(kScaleColumnA + scale_columns(kind), kScaleColumnB);
    EXPECT_LE(kScaleColumnB + scale_columns(kind), kTmemColumns);
  }
}

// The PTX ISA's descriptor tables, and encodings other code issues: M = N = 128, E4M3 x E2M1
// (5 in kind::mxf8f6f4), UE8M0, scale IDs 0 and then 1 (Triton's tcgen05 block-scaled lowering
// tests: 144708608 and 681579536); ours: E4M3 x E4M3, MXFP4 with IDs 2, NVFP4 (E2M1 = 1, UE4M3
// with bit 23 clear).
TEST(Tcgen05Layout, InstructionDescriptorsMatchTheIsaTables) {
  EXPECT_EQ(instruction_descriptor(0, 5, true, 0, 0), 144708608u);
  EXPECT_EQ(instruction_descriptor(0, 5, true, 1, 1), 681579536u);
  EXPECT_EQ(instruction_descriptor(Kind::mxf8f6f4_e4m3, 0, 0), 0x08A00000u);
  EXPECT_EQ(instruction_descriptor(Kind::mxf4_e2m1, 2, 2), 0x48A004A0u);
  EXPECT_EQ(instruction_descriptor(Kind::mxf4nvf4_e2m1, 0, 0), 0x08200480u);
  // Scale factor IDs per instruction: 1X walks bytes 0..3, 2X half words 0 and 2, 4X stays 0.
  for (int s = 0; s < kSteps; ++s) {
    EXPECT_EQ(scale_id(Kind::mxf8f6f4_e4m3, s), static_cast<uint32_t>(s));
    EXPECT_EQ(scale_id(Kind::mxf4_e2m1, s), static_cast<uint32_t>(s % 2 * 2));
    EXPECT_EQ(scale_id(Kind::mxf4nvf4_e2m1, s), 0u);
  }
}

TEST(Tcgen05Layout, SharedMemoryDescriptorsHaveTheFixedFields) {
  for (int s = 0; s < kSteps; ++s) {
    const uint64_t d = smem_descriptor(0x4000, s);
    EXPECT_EQ(d >> 46 & 0x7, 1u);  // the fixed 0b001
    EXPECT_EQ(d >> 49 & 0x7, 0u);  // base offset
    EXPECT_EQ(d >> 52 & 0x1, 0u);  // LBO relative
    EXPECT_EQ(d >> 53 & 0xff, 0u);
    EXPECT_EQ(d >> 61, 0u);  // no swizzle
    EXPECT_EQ((d & 0x3fff) << 4, 0x4000u + static_cast<uint64_t>(s) * 2 * kLbo);
  }
}

}  // namespace
}  // namespace numguard::cuda::tcgen05
