// The instruction table of the matrix-unit model (references/tensor_core_model.h) against the
// published bit-exact models: MMA-Sim's cross-architecture example (Xie et al. 2025, Table 8:
// one dot product whose result differs between generations), its hardware-checked vectors,
// Khattak & Mikaitis's alignment and output-width cases, and the PeerJ fp64 DMMA vectors
// (Fasi et al. 2021). Expected values are restated from those sources, not from the table.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "references/tensor_core_features.h"
#include "references/tensor_core_model.h"

namespace numguard::tc {
namespace {

// Bits of v in f (the vectors below are exact in their formats).
uint64_t bits_of(Format f, double v) {
  return round_double(f, v).bits;
}

// D of the instruction `name` of `arch` on values, as a value of its output format.
double run(std::string_view arch, std::string_view name, const std::vector<double>& a,
           const std::vector<double>& b, double c) {
  const Instruction* i = find_instruction(name, arch);
  if (!i) throw std::invalid_argument("no instruction " + std::string(name));
  TcModel m = i->model;
  m.operand_emin = tc::operand_emin(i->a);
  m.operand_emin_b = tc::operand_emin(i->b);
  std::vector<uint64_t> ab, bb;
  for (double x : a) ab.push_back(bits_of(i->a, x));
  for (double y : b) bb.push_back(bits_of(i->b, y));
  return decode(i->out, mma_dot(m, i->a, i->b, ab, bb, bits_of(i->out, c), i->out));
}

TEST(InstructionTable, IsNonEmptyAndEveryRowIsUniqueAndSourced) {
  ASSERT_FALSE(tc_instructions().empty());
  std::set<std::tuple<std::string_view, std::string_view>> seen;
  std::set<std::string_view> archs;
  for (const Instruction& i : tc_instructions()) {
    EXPECT_TRUE(seen.insert({i.arch, i.name}).second) << i.arch << " " << i.name;
    EXPECT_GT(i.model.block, 0) << i.name;
    EXPECT_FALSE(i.source.empty()) << i.name;
    archs.insert(i.arch);
  }
  for (std::string_view a : tc_architectures()) EXPECT_TRUE(archs.count(a)) << a;
}

// MMA-Sim, Table 8: a = [-2^13, -0.5, -0.25, -0.125], b = [2^10, 1, 1, 1], c = 2^23, fp32 out.
// The exact value is -0.875; each generation's alignment and rounding keep a different part.
struct Table8Row {
  std::string_view arch, instruction;
  double want;
};
const Table8Row kTable8[] = {
    {"volta", "mma.m8n8k4.f32.f16.f16.f32", 0.0},
    {"turing", "mma.m16n8k8.f32.f16.f16.f32", -0.5},
    {"ampere", "mma.m16n8k16.f32.f16.f16.f32", -0.5},
    {"ampere", "mma.m16n8k16.f32.bf16.bf16.f32", -0.5},
    {"ampere", "mma.m16n8k8.f32.tf32.tf32.f32", -0.5},
    {"ada", "mma.m16n8k32.f32.e5m2.e5m2.f32", 0.0},
    {"hopper", "mma.m16n8k16.f32.f16.f16.f32", -0.75},
    {"hopper", "mma.m16n8k16.f32.bf16.bf16.f32", -0.75},
    {"hopper", "mma.m16n8k8.f32.tf32.tf32.f32", -0.75},
    {"hopper", "wgmma.m64nNk32.f32.e5m2.e5m2", 0.0},
    {"blackwell", "tcgen05.mma.kind::f16.f32.f16", -0.75},
    {"blackwell", "tcgen05.mma.kind::f8f6f4.f32.e5m2.e5m2", -0.75},
    {"ampere", "mma.m8n8k4.f64.f64.f64.f64", -0.875},
    {"cdna1", "mfma_f32_32x32x8f16", -0.875},
    {"cdna1", "mfma_f32_32x32x4bf16", -0.875},
    {"cdna2", "mfma_f32_32x32x4bf16", -0.375},
    {"cdna2", "mfma_f32_32x32x8bf16_1k", 0.0},
    {"cdna2", "mfma_f32_32x32x8f16", 0.0},
    {"cdna3", "mfma_f32_32x32x8_f16", -0.5},
    {"cdna3", "mfma_f32_32x32x8_bf16", -0.5},
};

TEST(InstructionTable, ReproducesMmaSimsCrossArchitectureExample) {
  ASSERT_FALSE(std::empty(kTable8));
  const std::vector<double> a = {-0x1p13, -0.5, -0.25, -0.125}, b = {0x1p10, 1, 1, 1};
  for (const Table8Row& r : kTable8)
    EXPECT_EQ(run(r.arch, r.instruction, a, b, 0x1p23), r.want) << r.arch << " " << r.instruction;
}

// Khattak & Mikaitis / MMA-Sim: a product is aligned at its operands' exponents, so 1.5 * 1.5
// (significand 2.25) leaves 24 fraction bits below 2^0, not below 2^1: two 2^-24 terms survive.
TEST(InstructionTable, AmpereAlignsOnTheOperandsExponents) {
  EXPECT_EQ(run("ampere", "mma.m16n8k16.f32.f16.f16.f32", {1.5, 0x1p-12, 0x1p-12},
                {1.5, 0x1p-12, 0x1p-12}, -1.0),
            1.25 + 0x1p-23);
}

// fp8 on Ada and Hopper: the fp32 result keeps 13 fraction bits; Blackwell keeps 25 bits.
// fp4 elements are decoded into float8_e4m3fn values first (MMA-Sim), so 0.5 aligns at 2^-1
// rather than at e2m1's emin 2^0: with the product 0.25 aligned at 2^-2, C = -(2^-5 + 2^-27)
// keeps its last bit on the 2^-27 grid (F = 25); at 2^0 the grid would be 2^-25 and drop it.
TEST(InstructionTable, Fp4OperandsAlignAtTheirOwnExponent) {
  constexpr std::string_view kF8f6f4 = "tcgen05.mma.kind::f8f6f4.f32.e2m1.e2m1";
  const double c = -(0x1p-5 + 0x1p-27);
  EXPECT_EQ(run("blackwell", kF8f6f4, {0.5}, {0.5}, c),
            0.21875 - 0x1p-26);  // RZ of 0.21875 - 2^-27
  EXPECT_EQ(tc::operand_emin(Format::e2m1), -6);
  EXPECT_EQ(tc::operand_emin(Format::fp16), -14);
}

// A negative sum that rounds to zero in the output is +0, as an exact zero is (MMA-Sim rounds
// integers); signed_zero gives IEEE's -0. -2^-26 is below half of fp16's 2^-24.
TEST(InstructionTable, AResultRoundingToZeroIsPositive) {
  constexpr std::string_view kF16 = "mma.m16n8k16.f16.f16.f16.f16";
  EXPECT_FALSE(std::signbit(run("hopper", kF16, {-0x1p-14}, {0x1p-12}, 0.0)));
  const Instruction* i = find_instruction(kF16, "hopper");
  ASSERT_NE(i, nullptr);
  TcModel m = i->model;
  m.operand_emin = m.operand_emin_b = tc::operand_emin(Format::fp16);
  m.signed_zero = true;
  const std::vector<uint64_t> a{bits_of(Format::fp16, -0x1p-14)}, b{bits_of(Format::fp16, 0x1p-12)};
  EXPECT_EQ(mma_dot(m, Format::fp16, Format::fp16, a, b, 0, Format::fp16), 0x8000u);
}

TEST(InstructionTable, Fp8OutputWidthPerGeneration) {
  EXPECT_EQ(run("ada", "mma.m16n8k32.f32.e4m3.e4m3.f32", {16, 16, 0.25}, {16, 16, 0.125}, 0), 512);
  EXPECT_EQ(run("hopper", "wgmma.m64nNk32.f32.e4m3.e4m3", {16, 16, 0.25}, {16, 16, 0.125}, 0), 512);
  EXPECT_EQ(run("blackwell", "tcgen05.mma.kind::f8f6f4.f32.e4m3.e4m3", {16, 0.125}, {16, 0.125}, 0),
            256 + 0x1p-6);
}

// MMA-Sim's hardware check of F: X = (2 - 2^-10) 2^-14 (an fp16 value, here C in fp32) beside
// products +-Y Z that cancel: X keeps F bits below Y Z's exponent (F = 24: X - 2^-24).
TEST(InstructionTable, CancellingProductsTruncateC) {
  const double x = (2 - 0x1p-10) * 0x1p-14;
  EXPECT_EQ(run("ampere", "mma.m16n8k16.f32.f16.f16.f32", {2, -2}, {1, 1}, x), x - 0x1p-24);
  EXPECT_EQ(bits_of(Format::fp32, x - 0x1p-24), 0x38FFC000u);
  EXPECT_EQ(run("hopper", "mma.m16n8k16.f32.f16.f16.f32", {2, -2}, {2, 2}, x), x - 0x1p-24);
}

// e_zero: a zero C (or zero product) takes part in the alignment at 2^e0. Turing fp16 -> fp16
// (MMA-Sim's probe on the GPU: e0 = -20): 2^-25 + 2^-45 rounds as a tie (to 0) when the grid
// is 2^-44, and up to 2^-24 when e0 = -21 keeps 2^-45.
TEST(InstructionTable, ZerosTakePartInTheAlignment) {
  const std::vector<double> a = {0x1p-11, 0x1p-21}, b = {0x1p-14, 0x1p-24};
  EXPECT_EQ(run("turing", "mma.m16n8k8.f16.f16.f16.f16", a, b, 0), 0.0);
  EXPECT_EQ(run("ampere", "mma.m16n8k16.f16.f16.f16.f16", a, b, 0), 0x1p-24);  // e0 = -21
}

// Tensor cores read tf32 by clearing the container's low 13 bits: a NaN whose payload lies
// only there becomes inf (MMA-Sim's hardware test); a NaN result is CUDA's canonical pattern.
TEST(InstructionTable, Tf32ReadingAndCanonicalNan) {
  TcModel m = preset("hopper", Format::tf32, Format::fp32);
  const std::vector<uint64_t> nan_low = {0x7f800001}, one = {0x3f800000};
  EXPECT_EQ(mma_dot(m, Format::tf32, nan_low, one, 0, Format::fp32), 0x7f800000u);
  m.tf32_nan_to_inf = false;
  EXPECT_EQ(mma_dot(m, Format::tf32, nan_low, one, 0, Format::fp32), 0x7fffffffu);
  const TcModel h = preset("hopper", Format::fp16, Format::fp16);
  const std::vector<uint64_t> nan16 = {0x7e00}, one16 = {0x3c00};
  EXPECT_EQ(mma_dot(h, Format::fp16, nan16, one16, 0, Format::fp16), 0x7fffu);
}

// CDNA2 flushes subnormal f16 inputs (and fp32 subnormal products and sums); CDNA1 sums exactly.
TEST(InstructionTable, Cdna2FlushesSubnormalsCdna1KeepsThem) {
  EXPECT_EQ(run("cdna2", "mfma_f32_32x32x8f16", {0x1p-24}, {1}, 0), 0.0);
  EXPECT_EQ(run("cdna1", "mfma_f32_32x32x8f16", {0x1p-24}, {1}, 0), 0x1p-24);
  EXPECT_EQ(run("cdna1", "mfma_f32_32x32x8f16", {1, 0x1p-24}, {1, 0x1p-1}, 0x1p-26),
            1.0);  // 1 + 2^-25 + 2^-26: below half an ulp of 1 (2^-24): RNE gives 1
}

// CDNA3 adds C after the products, rounding both down (toward -inf): a tiny negative C
// lowers the result by an ulp of the alignment grid where a tiny positive one vanishes.
TEST(InstructionTable, Cdna3RoundsCDownAfterTheProducts) {
  EXPECT_EQ(run("cdna3", "mfma_f32_32x32x8_f16", {1}, {1}, 0x1p-40), 1.0);
  EXPECT_EQ(run("cdna3", "mfma_f32_32x32x8_f16", {1}, {1}, -0x1p-40), 1 - 0x1p-24);
}

// The products' sum is kept to 2^(E-31) and the exact sum with C rounds once (MMA-Sim's
// TR-FDPA, F2 = 31): 2 - 2^-23 + 2^-22 + 2^-31 lies above the tie 2 + 2^-23 and rounds up; a
// second floor of the sum to 31 fraction bits (numguard's path before 2026-12-07) would make it
// the tie, and round it to even, 2.
TEST(InstructionTable, Cdna3RoundsTheSumWithCOnce) {
  EXPECT_EQ(
      run("cdna3", "mfma_f32_32x32x8_f16", {0x1p-11, 0x1p-16}, {0x1p-11, 0x1p-15}, 0x1.fffffep+0),
      0x1.000002p+1);
}

// CDNA3 fp8 fuses the even and the odd products apart (MMA-Sim's amd_fused_dot_add, fp8):
// -2^-16 alone in the even half is rounded down to -2^(12-24) against 2^12 in the odd half; in
// the same half as 2^12 it is truncated away.
TEST(InstructionTable, Cdna3Fp8FusesEvenAndOddProductsApart) {
  EXPECT_EQ(run("cdna3", "mfma_f32_32x32x16_fp8_fp8", {-0x1p-8, 0x1p6}, {0x1p-8, 0x1p6}, 0),
            0x1p12 - 0x1p-12);
  EXPECT_EQ(run("cdna3", "mfma_f32_32x32x16_fp8_fp8", {-0x1p-8, 0, 0x1p6}, {0x1p-8, 0, 0x1p6}, 0),
            0x1p12);
  // C more than 25 binades below the products is dropped, not rounded down.
  EXPECT_EQ(run("cdna3", "mfma_f32_32x32x16_fp8_fp8", {1}, {1}, -0x1p-30), 1.0);
  EXPECT_EQ(run("cdna3", "mfma_f32_32x32x16_fp8_fp8", {1}, {1}, -0x1p-25), 1 - 0x1p-24);
}

// Block-scaled MMA (MMA-Sim's ST- and GST-FDPA, Table 8's MXFP8 and NVFP4 rows): unit scales
// give the unscaled Blackwell result; fp4 groups of 16 summed exactly, each aligned at its
// scales' exponents with 35 fraction bits, keep all of -0.875.
uint64_t scaled_run(std::string_view name, const std::vector<double>& a,
                    const std::vector<double>& b, const std::vector<double>& sa,
                    const std::vector<double>& sb, double c) {
  const Instruction* i = find_instruction(name, "blackwell");
  if (!i) throw std::invalid_argument("no instruction " + std::string(name));
  TcModel m = i->model;
  m.operand_emin = tc::operand_emin(i->a);
  m.operand_emin_b = tc::operand_emin(i->b);
  std::vector<uint64_t> ab, bb, sab, sbb;
  for (double x : a) ab.push_back(bits_of(i->a, x));
  for (double y : b) bb.push_back(bits_of(i->b, y));
  for (double s : sa) sab.push_back(bits_of(m.scale, s));
  for (double s : sb) sbb.push_back(bits_of(m.scale, s));
  return mma_scaled_dot(m, i->a, i->b, ab, bb, sab, sbb, bits_of(Format::fp32, c), Format::fp32);
}

TEST(InstructionTable, BlockScaledMmaFollowsMmaSim) {
  EXPECT_EQ(decode(Format::fp32,
                   scaled_run("tcgen05.mma.kind::mxf8f6f4.block32.f32.e5m2.e5m2",
                              {-0x1p13, -0.5, -0.25, -0.125}, {0x1p10, 1, 1, 1}, {1}, {1}, 0x1p23)),
            -0.75);
  std::vector<double> a(64, 0.0), b(64, 0.0);
  a[0] = -4, b[0] = 4;                                                        // group 0
  a[16] = -1, b[16] = 1, a[17] = -1, b[17] = 0.5, a[18] = -0.5, b[18] = 0.5;  // group 1
  EXPECT_EQ(
      decode(Format::fp32, scaled_run("tcgen05.mma.kind::mxf4nvf4.block16.f32.e2m1.e2m1.ue8m0", a,
                                      b, {0x1p11, 1, 1, 1}, {0x1p8, 0x1p-1, 1, 1}, 0x1p23)),
      -0.875);
  // A NaN scale (E8M0 0xff) makes the result NaN.
  const Instruction* mx = find_instruction("tcgen05.mma.kind::mxf8f6f4.block32.f32.e4m3.e4m3");
  ASSERT_NE(mx, nullptr);
  const std::vector<uint64_t> one = {0x38}, nan_scale = {0xff}, unit = {0x7f};
  EXPECT_EQ(mma_scaled_dot(mx->model, Format::e4m3, Format::e4m3, one, one, nan_scale, unit, 0,
                           Format::fp32),
            0x7fffffffu);
}

// A group of 16 zero products under the scale 2^10 beside 0.5 * 0.5 under 2^-30 (2^-32): at
// e_zero (the rows' default) the zero group takes no part and 2^-32 stays; aligned at its
// scales' exponents (`zero_group` = scales, MMA-Sim's simulator/functions.py) the window's
// last bit is 2^(10 - 35) and 2^-32 is cut.
TEST(InstructionTable, ZeroGroupAlignmentIsSwitchable) {
  constexpr std::string_view kNvf4 = "tcgen05.mma.kind::mxf4nvf4.block16.f32.e2m1.e2m1.ue8m0";
  std::vector<double> a(17, 0.0), b(17, 0.0);
  a[16] = 0.5, b[16] = 0.5;
  const std::vector<double> sa{0x1p10, 0x1p-30}, sb{1, 1};
  EXPECT_EQ(decode(Format::fp32, scaled_run(kNvf4, a, b, sa, sb, 0)), 0x1p-32);
  const Instruction* i = find_instruction(kNvf4, "blackwell");
  ASSERT_NE(i, nullptr);
  TcModel m = i->model;
  m.operand_emin = m.operand_emin_b = tc::operand_emin(Format::e2m1);
  set_feature(m, "zero_group", "scales");
  std::vector<uint64_t> ab, bb, sab, sbb;
  for (double x : a) ab.push_back(bits_of(Format::e2m1, x));
  for (double y : b) bb.push_back(bits_of(Format::e2m1, y));
  for (double s : sa) sab.push_back(bits_of(Format::e8m0, s));
  for (double s : sb) sbb.push_back(bits_of(Format::e8m0, s));
  EXPECT_EQ(mma_scaled_dot(m, Format::e2m1, Format::e2m1, ab, bb, sab, sbb, 0, Format::fp32), 0u);
}

// fp64 mma: a chain of IEEE fp64 FMAs with RNE (PeerJ DMMA vectors on an A100).
TEST(InstructionTable, Fp64IsAnFmaChain) {
  const std::string_view f64 = "mma.m8n8k4.f64.f64.f64.f64";
  EXPECT_EQ(run("ampere", f64, {1, 1}, {2, 0x1p-52 + 0x1p-53}, 0), 2 + 0x1p-51);
  EXPECT_EQ(run("ampere", f64, {1, 1}, {2, 0x1p-53}, 0), 2.0);
  EXPECT_EQ(run("ampere", f64, {1}, {1}, -(1 - 0x1p-53)), 0x1p-53);
  EXPECT_EQ(run("ampere", f64, {0x1p-1074}, {0x1p52}, 0), 0x1p-1022);
}

// An independent statement of the fused datapath in MMA-Sim's own terms (frexp-normalized
// significands in [1, 2), products in [0, 4) at e_a + e_b, truncation in double, one output
// conversion), written apart from the model's integer arithmetic: the two must agree bit for
// bit on every fused instruction with an fp32 or fp16 output. As in the model, a block shorter
// than L holds zero products (an instruction always multiplies L pairs).
struct Term {
  double s;
  int e;
};

Term normalized(double x, int emin) {
  if (x == 0) return {0.0, emin};
  int e;
  const double m = std::frexp(x, &e);  // [0.5, 1)
  Term t{2 * m, e - 1};
  if (t.e < emin) t = {std::ldexp(t.s, t.e - emin), emin};
  return t;
}

// v rounded to `frac` fraction bits with exponent floor `emin`: toward zero, or to nearest even.
double to_grid(double v, int frac, int emin, bool nearest) {
  if (v == 0) return 0.0;
  const int q = std::max(std::ilogb(v), emin) - frac;
  const double scaled = std::ldexp(v, -q);
  return std::ldexp(nearest ? std::nearbyint(scaled) : std::trunc(scaled), q);
}

// MMA-Sim's per-dtype minimum exponents; it decodes fp4 (and, by the same container, fp6)
// into float8_e4m3fn values, whose emin is -6.
int mmasim_min_exponent(Format f) {
  const bool narrow = f == Format::e2m1 || f == Format::e3m2 || f == Format::e2m3;
  return narrow ? -6 : desc(f).emin();
}

double independent_block(const TcModel& m, Format in_a, Format in_b, Format out,
                         const std::vector<double>& a, const std::vector<double>& b, double c) {
  std::vector<Term> terms;
  bool zero = false;
  for (size_t i = 0; i < a.size(); ++i) {
    const Term ta = normalized(a[i], mmasim_min_exponent(in_a)),
               tb = normalized(b[i], mmasim_min_exponent(in_b));
    if (ta.s * tb.s == 0)
      zero = true;
    else
      terms.push_back({ta.s * tb.s, ta.e + tb.e});
  }
  if (static_cast<int>(a.size()) < m.block) zero = true;
  if (c == 0)
    zero = true;
  else
    terms.push_back(normalized(c, desc(out).emin()));
  if (terms.empty()) return 0.0;
  int emax = INT_MIN;
  for (const Term& t : terms) emax = std::max(emax, t.e);
  if (zero && m.zero_exponent) emax = std::max(emax, *m.zero_exponent);
  double sum = 0;  // exact: each term below 2^(F + 2), at most 65 of them
  for (const Term& t : terms) sum += std::trunc(std::ldexp(t.s, t.e - emax + m.frac_bits));
  double v = std::ldexp(sum, emax - m.frac_bits);
  if (v == 0) return 0.0;
  const FormatDesc& d = desc(out);
  if (m.out_frac_bits) v = to_grid(v, m.out_frac_bits, d.emin(), false);
  v = to_grid(v, d.precision - 1, d.emin(), m.final_rounding == Rounding::rne);
  if (std::fabs(v) > d.max_finite()) return std::copysign(INFINITY, v);
  return v;
}

// A value of f: zero, a subnormal, or a normal with a random exponent and significand (in the
// bottom three binades when `tiny`: where zeros aligned at e_zero decide the result).
double random_value(Format f, bool tiny = false) {
  const FormatDesc& d = desc(f);
  const int kind = *rc::gen::inRange(0, 10);
  const double sign = *rc::gen::arbitrary<bool>() ? -1.0 : 1.0;
  if (kind == 0) return 0.0;
  const uint64_t frac = *rc::gen::inRange<uint64_t>(0, uint64_t{1} << (d.precision - 1));
  if (kind == 1) return sign * std::ldexp(static_cast<double>(frac), d.emin() - (d.precision - 1));
  const int e = *rc::gen::inRange(d.emin(), tiny ? d.emin() + 3 : std::min(d.emax(), 20) + 1);
  return sign *
         decode(f, round_double(f, std::ldexp(1.0 + std::ldexp(frac, 1 - d.precision), e)).bits);
}

RC_GTEST_PROP(InstructionTable, FusedDatapathAgreesWithAnIndependentStatement, ()) {
  std::vector<const Instruction*> fused;
  for (const Instruction& i : tc_instructions())
    if (i.model.path == Datapath::fused && (i.out == Format::fp32 || i.out == Format::fp16))
      fused.push_back(&i);
  RC_ASSERT(!fused.empty());
  const Instruction& ins = **rc::gen::elementOf(fused);
  TcModel m = ins.model;
  m.operand_emin = tc::operand_emin(ins.a);
  m.operand_emin_b = desc(ins.b).emin();
  const int k = *rc::gen::inRange(1, 2 * m.block + 4);
  const bool tiny = *rc::gen::inRange(0, 3) == 0;
  std::vector<double> a, b;
  for (int i = 0; i < k; ++i) {
    a.push_back(random_value(ins.a, tiny));
    b.push_back(random_value(ins.b, tiny));
  }
  // Cancellation: sometimes the next pair repeats the previous product negated.
  for (int i = 1; i < k; ++i)
    if (*rc::gen::inRange(0, 4) == 0) {
      a[i] = -a[i - 1];
      b[i] = b[i - 1];
    }
  const double c = *rc::gen::inRange(0, 3) == 0 ? 0.0 : random_value(ins.out, tiny);
  double want = c;
  for (size_t lo = 0; lo < a.size(); lo += static_cast<size_t>(m.block)) {
    const size_t hi = std::min(a.size(), lo + static_cast<size_t>(m.block));
    want = independent_block(m, ins.a, ins.b, ins.out, {a.begin() + lo, a.begin() + hi},
                             {b.begin() + lo, b.begin() + hi}, want);
  }
  const double got = mma_dot_values(m, a, b, c, ins.out);
  RC_ASSERT(std::isnan(got) == std::isnan(want));
  if (!std::isnan(want)) RC_ASSERT(got == want);
}

}  // namespace
}  // namespace numguard::tc
