// The block-scaled probe's registers (kernels_under_test/cuda/scaled_mma_fragments.h), read
// back on the host through the PTX ISA's fragment formulas, stated here a second time in the
// ISA's own element-index form ("row = groupID for a_i where 0 <= i < 4 || 8 <= i < 12 ..."):
// the matrices the instruction sees hold the probe's vector in row 0 of A and column 0 of B,
// zeros elsewhere, and its scales for row 0 / column 0. No GPU needed; the two points the ISA
// leaves to its figures (the lane pair's rows, the scale bytes' order) are sourced in the header.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "kernels_under_test/cuda/scaled_mma_fragments.h"

namespace numguard::cuda::fragments {
namespace {

struct Seen {  // what one instruction reads, as matrices
  int k = 0, blocks = 0;
  std::vector<std::vector<uint32_t>> a, b, sa,
      sb;  // a[16][k], b[k][8], sa[16][blocks], sb[blocks][8]
};

// PTX ISA, "Matrix Fragments for mma.m16n8k32" (.e4m3: a_0..a_15, b_0..b_7, one byte each) and
// "mma.m16n8k64" (.e2m1, packed: a_0..a_31, b_0..b_15, one nibble each): the row and column of
// a_i in lane (g, t), and the row of b_i (its column is g).
int a_row(Kind kind, int g, int i) {  // "row = groupID for a_i where 0 <= i < 4 || 8 <= i < 12"
  const bool lower =
      kind == Kind::mxf8f6f4_e4m3 ? (i < 4 || (i >= 8 && i < 12)) : (i < 8 || (i >= 16 && i < 24));
  return lower ? g : g + 8;
}
int a_col(Kind kind, int t, int i) {
  return kind == Kind::mxf8f6f4_e4m3 ? t * 4 + (i & 3) + (i >= 8 ? 16 : 0)
                                     : t * 8 + (i & 7) + (i >= 16 ? 32 : 0);
}
int b_row(Kind kind, int t, int i) {
  return kind == Kind::mxf8f6f4_e4m3 ? t * 4 + (i & 3) + (i >= 4 ? 16 : 0)
                                     : t * 8 + (i & 7) + (i >= 8 ? 32 : 0);
}

Seen read_back(Kind kind, const Dot& d, int k0) {
  const bool fp8 = kind == Kind::mxf8f6f4_e4m3;
  const int width = fp8 ? 8 : 4, per_reg = 32 / width;
  Seen s;
  s.k = instruction_k(kind);
  s.blocks = s.k / scale_block(kind);
  s.a.assign(16, std::vector<uint32_t>(s.k, 0xdead));
  s.b.assign(s.k, std::vector<uint32_t>(8, 0xdead));
  s.sa.assign(16, std::vector<uint32_t>(s.blocks, 0xdead));
  s.sb.assign(s.blocks, std::vector<uint32_t>(8, 0xdead));
  const uint32_t mask = (1u << width) - 1u;
  for (int lane = 0; lane < 32; ++lane) {
    const int g = lane / 4, t = lane % 4;
    for (int i = 0; i < 4 * per_reg; ++i) {  // a_i
      const uint32_t bits = a_reg(kind, d, k0, g, t, i / per_reg) >> (width * (i % per_reg));
      s.a[a_row(kind, g, i)][a_col(kind, t, i)] = bits & mask;
    }
    for (int i = 0; i < 2 * per_reg; ++i) {  // b_i
      const uint32_t bits = b_reg(kind, d, k0, g, t, i / per_reg) >> (width * (i % per_reg));
      s.b[b_row(kind, t, i)][g] = bits & mask;
    }
    // "Block Scaling for mma.sync", thread-id 0 and byte-id 0; the lane of the pair for row g
    // and the byte order as the header sources them.
    for (int j = 0; j < s.blocks; ++j) {
      const uint32_t sa = (scale_reg(kind, d, d.sa, k0, g) >> (8 * j)) & 0xffu;
      const uint32_t sb = (scale_reg(kind, d, d.sb, k0, g) >> (8 * j)) & 0xffu;
      if (t == 0) s.sa[g][j] = sa;
      if (t == 1) s.sa[g + 8][j] = sa;
      if (t == 0) s.sb[j][g] = sb;
    }
  }
  return s;
}

struct Case {
  Kind kind;
  int n;
};

std::vector<Case> cases() {
  std::vector<Case> out;
  for (Kind kind : {Kind::mxf8f6f4_e4m3, Kind::mxf4_e2m1, Kind::mxf4nvf4_e2m1}) {
    const int k = instruction_k(kind);
    for (int n : {1, k - 1, k, k + 1, 2 * k + 5, 256}) out.push_back({kind, n});
  }
  return out;
}

TEST(ScaledMmaFragments, TheTableIsNotEmpty) {
  EXPECT_EQ(cases().size(), 18u);
}

TEST(ScaledMmaFragments, TheInstructionSeesTheProbesVectorsAndScalesOnly) {
  for (const Case& c : cases()) {
    const uint32_t mask = c.kind == Kind::mxf8f6f4_e4m3 ? 0xffu : 0xfu;
    const int block = scale_block(c.kind), nscale = (c.n + block - 1) / block;
    std::vector<uint32_t> a(c.n), b(c.n), sa(nscale), sb(nscale);
    for (int i = 0; i < c.n; ++i) {  // no element zero, so a dropped one shows
      a[i] = 1 + static_cast<uint32_t>(i * 7) % mask;
      b[i] = 1 + static_cast<uint32_t>(i * 5 + 3) % mask;
    }
    for (int j = 0; j < nscale; ++j) {  // none equals the unit scale
      sa[j] = 0x40 + static_cast<uint32_t>(j % 32);
      sb[j] = 0x10 + static_cast<uint32_t>(j % 32);
    }
    const Dot d{a.data(), b.data(), sa.data(), sb.data(), c.n, nscale};
    for (int k0 = 0; k0 < c.n; k0 += instruction_k(c.kind)) {
      SCOPED_TRACE(::testing::Message()
                   << "kind " << static_cast<int>(c.kind) << ", n " << c.n << ", k0 " << k0);
      const Seen s = read_back(c.kind, d, k0);
      for (int k = 0; k < s.k; ++k) {
        const uint32_t want_a = k0 + k < c.n ? a[k0 + k] : 0u;  // past n: zero padding
        const uint32_t want_b = k0 + k < c.n ? b[k0 + k] : 0u;
        EXPECT_EQ(s.a[0][k], want_a) << "A row 0, k " << k;
        EXPECT_EQ(s.b[k][0], want_b) << "B column 0, k " << k;
        for (int r = 1; r < 16; ++r) EXPECT_EQ(s.a[r][k], 0u) << "A row " << r << ", k " << k;
        for (int col = 1; col < 8; ++col) EXPECT_EQ(s.b[k][col], 0u) << "B column " << col;
      }
      for (int j = 0; j < s.blocks; ++j) {
        const int blk = k0 / block + j;
        const uint32_t one = unit_scale(c.kind);
        EXPECT_EQ(s.sa[0][j], blk < nscale ? sa[blk] : one) << "A row 0's scale " << j;
        EXPECT_EQ(s.sb[j][0], blk < nscale ? sb[blk] : one) << "B column 0's scale " << j;
        // Both lanes of quad 0's pair carry row 0's: right whichever of them holds row 0.
        EXPECT_EQ(s.sa[8][j], s.sa[0][j]) << "A row 8's scale " << j;
        for (int r = 1; r < 16; ++r)
          if (r != 8) {
            EXPECT_EQ(s.sa[r][j], one) << "A row " << r << "'s scale";
          }
        for (int col = 1; col < 8; ++col) EXPECT_EQ(s.sb[j][col], one) << "B column " << col;
      }
    }
  }
}

// The GEMM kernel's tiles: for each kind and for shapes that are and are not multiples of the
// 16 x 8 x K tile, every tile's registers, read back through the same formulas, hold that tile
// of A, B and their scales, zeros past m, n and k, unit scales past m, n and kb.
TEST(ScaledMmaFragments, EveryGemmTileSeesItsPartOfEachMatrix) {
  struct Shape {
    int m, n, k;
  };
  const std::vector<Shape> shapes = {
      {16, 8, 64}, {33, 17, 70}, {5, 3, 1}, {48, 24, 96}, {17, 9, 161}};
  const std::vector<Kind> kinds = {Kind::mxf8f6f4_e4m3, Kind::mxf4_e2m1, Kind::mxf4nvf4_e2m1};
  ASSERT_FALSE(shapes.empty());
  for (Kind kind : kinds)
    for (const Shape& sh : shapes) {
      const int block = scale_block(kind), kb = (sh.k + block - 1) / block,
                ik = instruction_k(kind);
      const int bits = kind == Kind::mxf8f6f4_e4m3 ? 8 : 4, per = 32 / bits;
      const uint32_t mask = (1u << bits) - 1u, one = unit_scale(kind);
      // Nonzero elements (a dropped one shows), with bits above the nibble set for fp4 (the
      // loader must drop them), and no scale equal to the unit scale.
      std::vector<uint8_t> a(sh.m * sh.k), b(sh.k * sh.n), sa(sh.m * kb), sb(kb * sh.n);
      for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<uint8_t>(1 + (i * 37) % 251);
      for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<uint8_t>(1 + (i * 53 + 7) % 251);
      for (size_t i = 0; i < sa.size(); ++i) sa[i] = static_cast<uint8_t>(0x10 + i % 40);
      for (size_t i = 0; i < sb.size(); ++i) sb[i] = static_cast<uint8_t>(0x40 + i % 50);
      const Gemm x{a.data(), b.data(), sa.data(), sb.data(), sh.m, sh.n, sh.k, kb, kind};
      const auto at_a = [&](int r, int c) -> uint32_t {
        return r < sh.m && c < sh.k ? a[r * sh.k + c] & mask : 0;
      };
      const auto at_b = [&](int r, int c) -> uint32_t {
        return r < sh.k && c < sh.n ? b[r * sh.n + c] & mask : 0;
      };
      const auto scale_a = [&](int row, int blk) -> uint32_t {
        return row < sh.m && blk < kb ? sa[row * kb + blk] : one;
      };
      const auto scale_b = [&](int col, int blk) -> uint32_t {
        return col < sh.n && blk < kb ? sb[blk * sh.n + col] : one;
      };
      for (int row0 = 0; row0 < sh.m; row0 += 16)
        for (int col0 = 0; col0 < sh.n; col0 += 8)
          for (int k0 = 0; k0 < sh.k; k0 += ik) {
            SCOPED_TRACE(::testing::Message()
                         << "kind " << static_cast<int>(kind) << ", " << sh.m << "x" << sh.n << "x"
                         << sh.k << ", tile (" << row0 << ", " << col0 << "), k0 " << k0);
            for (int lane = 0; lane < 32; ++lane) {
              const int g = lane / 4, t = lane % 4;
              for (int i = 0; i < 4 * per; ++i) {
                const uint32_t got =
                    (gemm_a_reg(x, row0, k0, g, t, i / per) >> (bits * (i % per))) & mask;
                EXPECT_EQ(got, at_a(row0 + a_row(kind, g, i), k0 + a_col(kind, t, i)))
                    << "lane " << lane << ", a_" << i;
              }
              for (int i = 0; i < 2 * per; ++i) {
                const uint32_t got =
                    (gemm_b_reg(x, col0, k0, g, t, i / per) >> (bits * (i % per))) & mask;
                EXPECT_EQ(got, at_b(k0 + b_row(kind, t, i), col0 + g))
                    << "lane " << lane << ", b_" << i;
              }
              // thread-id 0: lanes 4g and 4g + 1 give rows g and g + 8; lane 4g gives column g;
              // byte j of each scale register is the instruction's block j.
              for (int j = 0; j < ik / block; ++j) {
                const int blk = k0 / block + j;
                const auto byte = [j](uint32_t r) { return (r >> (8 * j)) & 0xffu; };
                if (t < 2) {
                  EXPECT_EQ(byte(gemm_scale_a(x, row0, k0, lane)), scale_a(row0 + g + 8 * t, blk))
                      << "lane " << lane << ", A scale byte " << j;
                }
                // The CUDA mutant's loader: lane 4g + 1 gives row g too.
                if (t == 1) {
                  EXPECT_EQ(byte(gemm_scale_a(x, row0, k0, lane, true)), scale_a(row0 + g, blk))
                      << "lane " << lane << ", the mutant's A scale byte " << j;
                }
                if (t == 0) {
                  EXPECT_EQ(byte(gemm_scale_b(x, col0, k0, lane)), scale_b(col0 + g, blk))
                      << "lane " << lane << ", B scale byte " << j;
                }
              }
            }
          }
    }
}

}  // namespace
}  // namespace numguard::cuda::fragments
