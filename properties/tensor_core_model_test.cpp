// Claims of the tensor-core block-FMA model (references/tensor_core_model.h), one
// per line, checked on every preset: exact products; alignment of the block's terms and C to
// the largest exponent with truncation to f fractional bits; block size b (chaining through C
// rounds at block boundaries); RZ final rounding for fp32 output and RNE for fp16 output;
// subnormals kept; IEEE-like specials; monotonicity where the leading exponent stays put.
// Sources: docs/REFERENCE.md "Tensor-core arithmetic" (Fasi et al. 2021; Li et al. FTTN 2024;
// Khattak & Mikaitis 2025; Xie et al. MMA-Sim 2025).
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "harness/core/kernel.h"
#include "harness/engine/registry.h"
#include "references/tensor_core_model.h"

namespace numguard::tc {
namespace {

struct Preset {
  std::string_view arch;
  Format in, out;
  int block, frac_bits;
};

std::ostream& operator<<(std::ostream& os, const Preset& p) {
  return os << p.arch << " " << name(p.in) << "->" << name(p.out);
}

// docs/REFERENCE.md's table, restated independently of the model's own table.
const Preset kPresets[] = {
    {"volta", Format::fp16, Format::fp32, 4, 23},
    {"volta", Format::fp16, Format::fp16, 4, 23},
    {"ampere", Format::fp16, Format::fp32, 8, 24},
    {"ampere", Format::fp16, Format::fp16, 8, 24},
    {"ampere", Format::bf16, Format::fp32, 8, 24},
    {"ampere", Format::tf32, Format::fp32, 4, 24},
    {"ada", Format::e4m3, Format::fp32, 16, 13},
    {"ada", Format::e5m2, Format::fp32, 16, 13},
    {"hopper", Format::fp16, Format::fp32, 16, 25},
    {"hopper", Format::fp16, Format::fp16, 16, 25},
    {"hopper", Format::bf16, Format::fp32, 16, 25},
    {"hopper", Format::tf32, Format::fp32, 8, 25},
    {"hopper", Format::e4m3, Format::fp32, 32, 13},
    {"hopper", Format::e5m2, Format::fp32, 32, 13},
    {"turing", Format::fp16, Format::fp32, 8, 24},
    {"turing", Format::fp16, Format::fp16, 8, 24},
    {"blackwell", Format::fp16, Format::fp32, 16, 25},
    {"blackwell", Format::e4m3, Format::fp32, 32, 25},
    {"rtx_blackwell", Format::e5m2, Format::fp32, 32, 25},
};

// Bits of v in f; the test's values are chosen exact, and a value that is not fails loudly.
uint64_t exact_bits(Format f, double v) {
  const uint64_t bits = round_double(f, v).bits;
  if (!(decode(f, bits) == v) && !std::isnan(v))
    throw std::invalid_argument(std::to_string(v) + " is not a " + std::string(name(f)) + " value");
  return bits;
}

using Pairs = std::vector<std::pair<double, double>>;

// The model of preset p on (a_i, b_i) pairs and c, as a value of p.out.
double mma(const Preset& p, const Pairs& ab, double c, int frac_bits_override = -1) {
  TcModel m = preset(p.arch, p.in, p.out);
  if (frac_bits_override >= 0) m.frac_bits = frac_bits_override;
  std::vector<uint64_t> a, b;
  for (const auto& [x, y] : ab) {
    a.push_back(exact_bits(p.in, x));
    b.push_back(exact_bits(p.in, y));
  }
  return decode(p.out, mma_dot(m, p.in, a, b, exact_bits(p.out, c), p.out));
}

// A pair whose product is 2^e, both factors powers of two the input format holds.
std::pair<double, double> pow2_pair(int e) {
  return {std::ldexp(1.0, e / 2), std::ldexp(1.0, e - e / 2)};
}

// Whether `in` holds both factors of pow2_pair(e) (fp8 cannot form 2^-26 for f = 25).
bool holds_pair(Format in, int e) {
  const auto [x, y] = pow2_pair(e);
  return std::min(x, y) >= desc(in).min_subnormal();
}

Pairs repeat(std::pair<double, double> ab, int n) {
  return Pairs(static_cast<size_t>(n), ab);
}

// 2^-min(f, p_out - 1): the smallest bit below a leading 1 that both the alignment and the
// output keep, so it shows up in a result.
double kept_bit(const Preset& p) {
  return std::ldexp(1.0, -std::min(p.frac_bits, desc(p.out).precision - 1));
}

class EveryPreset : public ::testing::TestWithParam<Preset> {};
INSTANTIATE_TEST_SUITE_P(TensorCoreModel, EveryPreset, ::testing::ValuesIn(kPresets));

TEST_P(EveryPreset, PresetTableMatchesReference) {
  const Preset& p = GetParam();
  const TcModel m = preset(p.arch, p.in, p.out);
  EXPECT_EQ(m.block, p.block);
  EXPECT_EQ(m.frac_bits, p.frac_bits);
  EXPECT_EQ(m.final_rounding, p.out == Format::fp32 ? Rounding::rz : Rounding::rne);
}

TEST_P(EveryPreset, ProductsAreExact) {
  const Preset& p = GetParam();
  const double x = 1 + desc(p.in).eps();  // x*x = 1 + 2 eps + eps^2 needs 2(p-1) bits
  EXPECT_EQ(mma(p, {{x, x}}, 0.0), round_value(p.out, x * x));
  if (p.out == Format::fp32) {
    EXPECT_EQ(mma(p, {{x, x}}, 0.0), x * x);
  }
}

// fp32 output: n terms 2^-f add up to a bit the output shows. fp16 output: one term 2^-f
// lifts a tie (1 + 2^-11) above half an ulp, so RNE rounds up; a truncated term cannot.
TEST_P(EveryPreset, TermsFracBitsBelowTheLeadingOneAreKept) {
  const Preset& p = GetParam();
  const int f = p.frac_bits;
  if (!holds_pair(p.in, -f - 1)) GTEST_SKIP() << "2^-f is no product of two " << name(p.in);
  if (p.out == Format::fp16) {
    EXPECT_EQ(mma(p, {pow2_pair(-11), pow2_pair(-f)}, 1.0), 1 + 0x1p-10);
    return;
  }
  const int n = static_cast<int>(kept_bit(p) / std::ldexp(1.0, -f));  // n * 2^-f = kept_bit
  ASSERT_LE(n, p.block);
  EXPECT_EQ(mma(p, repeat(pow2_pair(-f), n), 1.0), 1.0 + kept_bit(p));
}

TEST_P(EveryPreset, TermsOneBitFurtherDownAreDropped) {
  const Preset& p = GetParam();
  const int f = p.frac_bits;
  if (!holds_pair(p.in, -f - 1)) GTEST_SKIP() << "2^-f is no product of two " << name(p.in);
  if (p.out == Format::fp16) {
    EXPECT_EQ(mma(p, {pow2_pair(-11), pow2_pair(-f - 1)}, 1.0), 1.0);  // still a tie: even
    return;
  }
  const int n = static_cast<int>(kept_bit(p) / std::ldexp(1.0, -f - 1));  // untruncated: kept_bit
  ASSERT_LE(n, p.block);
  EXPECT_EQ(mma(p, repeat(pow2_pair(-f - 1), n), 1.0), 1.0);
}

// Products +-2^e cancel exactly but set the alignment exponent to e, which truncates C's
// lowest bit kept_bit away.
TEST_P(EveryPreset, CTakesPartInTheAlignment) {
  const Preset& p = GetParam();
  const double c = 1 + kept_bit(p);
  const int e = p.frac_bits + std::ilogb(kept_bit(p)) + 1;
  const auto [x, y] = pow2_pair(e);
  EXPECT_EQ(mma(p, {{0.0, 0.0}}, c), c);
  EXPECT_EQ(mma(p, {{x, y}, {-x, y}}, c), 1.0);
}

TEST_P(EveryPreset, TwoTermsInOneBlockAreSummedExactly) {
  const Preset& p = GetParam();
  Pairs ab = repeat({0.0, 0.0}, 2 * p.block);
  ab[p.block - 2] = {1.0, 1.0};
  ab[p.block - 1] = {-1.0, 1.0};
  EXPECT_EQ(mma(p, ab, 1 + kept_bit(p)), 1 + kept_bit(p));
}

TEST_P(EveryPreset, ABlockBoundaryRoundsThroughC) {
  const Preset& p = GetParam();
  Pairs ab = repeat({0.0, 0.0}, 2 * p.block);
  ab[p.block - 1] = {1.0, 1.0};  // block 1: C + 1 = 2 + kept_bit loses kept_bit
  ab[p.block] = {-1.0, 1.0};     // block 2: 2 - 1
  EXPECT_EQ(mma(p, ab, 1 + kept_bit(p)), 1.0);
}

TEST_P(EveryPreset, LongDotProductsChainBlocksThroughC) {
  const Preset& p = GetParam();
  const TcModel m = preset(p.arch, p.in, p.out);
  std::vector<double> a, b;
  for (int i = 0; i < 3 * p.block + 1; ++i) {
    a.push_back(decode(p.in, exact_bits(p.in, round_value(p.in, std::sin(i + 1.0)))));
    b.push_back(decode(p.in, exact_bits(p.in, round_value(p.in, std::cos(3.0 * i)))));
  }
  double chained = 0.25;
  for (size_t lo = 0; lo < a.size(); lo += static_cast<size_t>(p.block)) {
    const size_t len = std::min(a.size() - lo, static_cast<size_t>(p.block));
    chained =
        mma_block(m, std::span(a).subspan(lo, len), std::span(b).subspan(lo, len), chained, p.out);
  }
  EXPECT_EQ(mma_dot_values(m, a, b, 0.25, p.out), chained);
}

TEST_P(EveryPreset, SubnormalInputsAreKept) {
  const Preset& p = GetParam();
  const double tiny = desc(p.in).min_subnormal();
  EXPECT_EQ(mma(p, {{tiny, 1.0}}, 0.0), round_value(p.out, tiny));
  EXPECT_NE(mma(p, {{tiny, 1.0}}, 0.0), 0.0);
}

// On the output's grid: fp8 results keeping 13 fraction bits step by 2^(-126-13) down there.
TEST_P(EveryPreset, SubnormalOutputsAreKept) {
  const Preset& p = GetParam();
  const int out_frac = preset(p.arch, p.in, p.out).out_frac_bits;
  const double tiny =
      out_frac ? std::ldexp(1.0, desc(p.out).emin() - out_frac) : desc(p.out).min_subnormal();
  EXPECT_EQ(mma(p, {{0.0, 0.0}}, 3 * tiny), 3 * tiny);
}

TEST_P(EveryPreset, NaNAndInfinitiesPropagateAsInIeee) {
  const Preset& p = GetParam();
  const double inf = INFINITY;
  EXPECT_TRUE(std::isnan(mma(p, {{std::nan(""), 1.0}, {1.0, 1.0}}, 0.0)));
  EXPECT_TRUE(std::isnan(mma(p, {{1.0, 1.0}}, std::nan(""))));
  EXPECT_EQ(mma(p, {{1.0, 1.0}}, -inf), -inf);
  if (!desc(p.in).has_inf()) return;  // e4m3 has no infinity
  EXPECT_TRUE(std::isnan(mma(p, {{inf, 0.0}}, 0.0)));
  EXPECT_TRUE(std::isnan(mma(p, {{inf, 1.0}, {-inf, 1.0}}, 0.0)));
  EXPECT_TRUE(std::isnan(mma(p, {{inf, 1.0}}, -inf)));
  EXPECT_EQ(mma(p, {{inf, 2.0}, {1.0, 1.0}}, 0.0), inf);
  EXPECT_EQ(mma(p, {{inf, -2.0}}, 0.0), -inf);
}

// An exact zero is +0, even when every term is -0 (H100 mma.sync, docs/GPU_RESULTS.md; the
// published models' hardware tests); signed_zero switches IEEE's rule back on.
TEST_P(EveryPreset, AnExactZeroIsPositive) {
  const Preset& p = GetParam();
  EXPECT_FALSE(std::signbit(mma(p, {{-0.0, 1.0}, {0.0, -1.0}}, -0.0)));
  EXPECT_FALSE(std::signbit(mma(p, {{-0.0, 1.0}}, 0.0)));
  EXPECT_FALSE(std::signbit(mma(p, {{1.0, 1.0}, {-1.0, 1.0}}, 0.0)));
  TcModel ieee = preset(p.arch, p.in, p.out);
  ieee.signed_zero = true;
  const std::vector<double> a = {-0.0}, b = {1.0};
  EXPECT_TRUE(std::signbit(mma_dot_values(ieee, a, b, -0.0, p.out)));
}

// A finite result never comes back as NaN, and rounding happens once: results of exact
// small-integer dot products are exact (CUTLASS's testing idea).
TEST_P(EveryPreset, SmallIntegerDotProductsAreExact) {
  const Preset& p = GetParam();
  Pairs ab;
  double exact = 3.0;
  for (int i = 0; i < 2 * p.block + 3; ++i) {
    const double x = (i % 5) - 2.0, y = (i % 3) + 1.0;
    ab.push_back({x, y});
    exact += x * y;
  }
  EXPECT_EQ(mma(p, ab, 3.0), exact);
}

class Fp32Output : public ::testing::TestWithParam<Preset> {};
INSTANTIATE_TEST_SUITE_P(TensorCoreModel, Fp32Output, ::testing::ValuesIn([] {
                           std::vector<Preset> v;
                           // fp8 blocks (f = 13, at most 33 terms) never need a final rounding.
                           for (const Preset& p : kPresets)
                             if (p.out == Format::fp32 && p.frac_bits >= 23) v.push_back(p);
                           return v;
                         }()));

TEST_P(Fp32Output, FinalRoundingIsTowardZero) {
  const Preset& p = GetParam();
  const double u = std::ldexp(1.0, -23);
  EXPECT_EQ(mma(p, {{1.0, 1.0}}, 1 + 3 * u), 2 + 2 * u);  // 2 + 1.5 ulp: RNE would give 2 + 4u
  EXPECT_EQ(mma(p, {{-1.0, 1.0}}, -1 - 3 * u), -2 - 2 * u);
}

class Fp16Output : public ::testing::TestWithParam<Preset> {};
INSTANTIATE_TEST_SUITE_P(TensorCoreModel, Fp16Output, ::testing::ValuesIn([] {
                           std::vector<Preset> v;
                           for (const Preset& p : kPresets)
                             if (p.out == Format::fp16) v.push_back(p);
                           return v;
                         }()));

TEST_P(Fp16Output, FinalRoundingIsToNearestEven) {
  const Preset& p = GetParam();
  const double half_ulp = std::ldexp(1.0, -11);
  EXPECT_EQ(mma(p, repeat(pow2_pair(-11), 3), 1.0), 1 + 4 * half_ulp);               // 1.5 ulp: up
  EXPECT_EQ(mma(p, repeat(pow2_pair(-11), 1), 1.0), 1.0);                            // tie: even
  EXPECT_EQ(mma(p, repeat(pow2_pair(-11), 1), 1 + 2 * half_ulp), 1 + 4 * half_ulp);  // tie: even
  EXPECT_EQ(mma(p, {{-1.0, 1.0}}, -1 - 6 * half_ulp), -2 - 8 * half_ulp);  // -2 - 1.5 ulp(2)
}

TEST(TensorCoreModel, HopperKeepsTheTwentyFifthBitAmpereDropsIt) {
  const std::vector<uint64_t> a(4, 0x3800), b(4, 0x0001);  // 0.5 and 2^-24 in fp16
  EXPECT_EQ(mma_dot(preset("hopper", Format::fp16, Format::fp32), Format::fp16, a, b, 0x3f800000,
                    Format::fp32),
            0x3f800001u);
  EXPECT_EQ(mma_dot(preset("ampere", Format::fp16, Format::fp32), Format::fp16, a, b, 0x3f800000,
                    Format::fp32),
            0x3f800000u);
}

TEST(TensorCoreModel, Tf32OperandsAreReadTruncated) {
  const TcModel m = preset("hopper", Format::tf32, Format::fp32);
  const std::vector<uint64_t> one_and_pad = {0x3f801fff}, one = {0x3f800000};
  EXPECT_EQ(mma_dot(m, Format::tf32, one_and_pad, one, 0, Format::fp32), 0x3f800000u);
}

TEST(TensorCoreModel, UnknownPresetsAreRejected) {
  EXPECT_FALSE(find_preset("volta", Format::bf16, Format::fp32));
  EXPECT_FALSE(find_preset("hopper", Format::bf16, Format::fp16));
  EXPECT_FALSE(find_preset("pascal", Format::fp16, Format::fp32));
  EXPECT_THROW(preset("volta", Format::tf32, Format::fp32), std::invalid_argument);
  EXPECT_THROW(mma_block(preset("volta", Format::fp16, Format::fp32), std::vector<double>(5, 1.0),
                         std::vector<double>(5, 1.0), 0.0, Format::fp32),
               std::invalid_argument);
}

// Truncating every term relative to the leading exponent makes a multi-term adder
// non-monotone when an increase moves the leading exponent up one binade (Mikaitis,
// "Monotonicity of multi-term floating-point adders", IEEE TC 2024): raising C from 2 - 2^-23
// to 2 truncates sixteen products 3 * 2^-25 to 2^-24 each.
TEST(TensorCoreModel, IsNotMonotoneAcrossALeadingBinade) {
  const Preset hopper = {"hopper", Format::fp16, Format::fp32, 16, 25};
  const Pairs ab = repeat({0.75, std::ldexp(1.0, -23)}, 16);
  const double u = std::ldexp(1.0, -23);
  EXPECT_EQ(mma(hopper, ab, 2 - u), 2 + 10 * u);
  EXPECT_EQ(mma(hopper, ab, 2.0), 2 + 8 * u);
}

// Inside a fixed leading binade the model is monotone: raising one term never lowers D.
RC_GTEST_PROP(TensorCoreModel, IsMonotoneWhileTheLeadingExponentStays, ()) {
  const Preset p =
      *rc::gen::elementOf(std::vector<Preset>(std::begin(kPresets), std::end(kPresets)));
  const TcModel m = preset(p.arch, p.in, p.out);
  const int k = *rc::gen::inRange(1, p.block + 1);
  const auto value = [&](Format f) {
    const double v = std::ldexp(*rc::gen::inRange(-1000, 1001) / 1000.0, *rc::gen::inRange(-6, 6));
    return round_value(f, v);
  };
  std::vector<double> a, b;
  for (int i = 0; i < k; ++i) a.push_back(value(p.in)), b.push_back(value(p.in));
  const double c = value(p.out);
  const size_t i = static_cast<size_t>(*rc::gen::inRange(0, k));
  RC_PRE(b[i] != 0.0);
  // A larger product: a[i] moved to a neighbouring value in the direction of b[i]'s sign.
  const double step = std::fabs(a[i]) * desc(p.in).eps() / 2 + desc(p.in).min_subnormal() / 2;
  std::vector<double> a2 = a;
  a2[i] = b[i] > 0 ? round_value(p.in, a[i] + step, Rounding::ru)
                   : round_value(p.in, a[i] - step, Rounding::rd);
  const auto lead = [&](const std::vector<double>& av) {
    int e = c != 0 ? std::ilogb(c) : INT_MIN;
    for (int j = 0; j < k; ++j)
      if (av[j] * b[j] != 0) e = std::max(e, std::ilogb(av[j] * b[j]));
    return e;
  };
  RC_PRE(std::isfinite(a2[i]) && a2[i] != a[i] && lead(a2) == lead(a));
  RC_ASSERT(mma_dot_values(m, a2, b, c, p.out) >= mma_dot_values(m, a, b, c, p.out));
}

const KernelDesc* find_kernel(std::string_view n) {
  for (const KernelDesc& d : registry().kernels())
    if (d.name == n) return &d;
  return nullptr;
}

TEST(TensorCoreKernels, DeclareTheirPresetInTheRecipe) {
  int checked = 0;
  for (const Preset& p : kPresets) {
    if (p.arch != "hopper" && p.arch != "ampere" && p.arch != "volta")
      continue;  // presets without registered kernels
    for (const char* op : {"dot", "gemm"}) {
      ++checked;
      std::string n =
          std::string(op) + "." + std::string(name(p.in)) + ".tc-" + std::string(p.arch);
      if (p.out == Format::fp16) n += ".fp16out";
      const KernelDesc* k = find_kernel(n);
      ASSERT_NE(k, nullptr) << n;
      EXPECT_EQ(k->recipe.shape.order, Order::fused_block) << n;
      EXPECT_EQ(k->recipe.shape.block, p.block) << n;
      EXPECT_EQ(k->recipe.shape.frac_bits, p.frac_bits) << n;
      EXPECT_EQ(k->recipe.acc, p.out) << n;
      EXPECT_EQ(k->recipe.acc_rounding, p.out == Format::fp32 ? Rounding::rz : Rounding::rne) << n;
      EXPECT_FALSE(k->recipe.product.has_value()) << n;
    }
  }
  EXPECT_GE(checked, 24);  // 12 presets with kernels, dot and gemm each
}

// One gemm problem of fp16 values; b is k x n row-major.
Problem fp16_problem(int64_t m, int64_t n, const std::vector<double>& a,
                     const std::vector<double>& b) {
  Problem p;
  p.m = m;
  p.n = n;
  p.k = static_cast<int64_t>(a.size()) / m;
  p.a = Tensor(Format::fp16, {m, p.k});
  p.b = Tensor(Format::fp16, {p.k, n});
  for (size_t i = 0; i < a.size(); ++i) p.a.bits[i] = exact_bits(Format::fp16, a[i]);
  for (size_t i = 0; i < b.size(); ++i) p.b.bits[i] = exact_bits(Format::fp16, b[i]);
  return p;
}

TEST(TensorCoreKernels, GemmIsTheModelPerOutputElement) {
  const int64_t m = 3, n = 2, k = 37;
  std::vector<double> a, b;
  for (int64_t i = 0; i < m * k; ++i) a.push_back(round_value(Format::fp16, std::sin(0.7 * i) * 3));
  for (int64_t i = 0; i < k * n; ++i) b.push_back(round_value(Format::fp16, std::cos(1.3 * i) / 7));
  const Problem p = fp16_problem(m, n, a, b);
  Tensor out;
  find_kernel("gemm.fp16.tc-hopper")->run(p, out);
  const TcModel model = preset("hopper", Format::fp16, Format::fp32);
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      std::vector<uint64_t> row(p.a.bits.begin() + i * k, p.a.bits.begin() + (i + 1) * k), col;
      for (int64_t r = 0; r < k; ++r) col.push_back(p.b.bits[static_cast<size_t>(r * n + j)]);
      EXPECT_EQ(out.bits[static_cast<size_t>(i * n + j)],
                mma_dot(model, Format::fp16, row, col, 0, Format::fp32));
    }
  }
}

TEST(TensorCoreKernels, MissingFracBitMutantDeclaresHopperButComputesLikeAmpere) {
  const KernelDesc* mutant = find_kernel("mutant.gemm.fp16.tc-hopper.missing_frac_bit");
  const KernelDesc* correct = find_kernel("gemm.fp16.tc-hopper");
  ASSERT_NE(mutant, nullptr);
  ASSERT_NE(correct, nullptr);
  EXPECT_TRUE(mutant->mutant);
  EXPECT_EQ(mutant->imitates, correct->name);
  EXPECT_EQ(mutant->recipe.summary(), correct->recipe.summary());
  // 1 + 4 * (0.5 * 2^-24): Hopper keeps the four 2^-25 terms, 24 fractional bits drop them.
  const Problem p =
      fp16_problem(1, 1, {1.0, 0.5, 0.5, 0.5, 0.5}, {1.0, 0x1p-24, 0x1p-24, 0x1p-24, 0x1p-24});
  Tensor good, bad;
  correct->run(p, good);
  mutant->run(p, bad);
  EXPECT_EQ(good.bits[0], 0x3f800001u);
  EXPECT_EQ(bad.bits[0], 0x3f800000u);
  // Small integers never show the bug.
  const Problem q = fp16_problem(1, 1, {1, 2, 3, 4, 5}, {5, 4, 3, 2, 1});
  correct->run(q, good);
  mutant->run(q, bad);
  EXPECT_EQ(good.bits, bad.bits);
}

}  // namespace
}  // namespace numguard::tc
