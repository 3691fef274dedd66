// The split path of the exact references (references/split_dot.h) against the integer window
// (references/exact_accumulator.h): wherever the split path answers, the exact value is the same
// bit for bit; it answers on ordinary data and declines only where split_dot.h says it does.
// Every claim runs on both kernels: AVX2 (where this CPU has it) and the portable one.
// RapidCheck draws the cases (fixed seed in CMake; RC_PARAMS replays a failure).
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "harness/core/format.h"
#include "references/exact_accumulator.h"
#include "references/split_dot.h"

namespace numguard {
namespace {

using Bits = std::vector<uint64_t>;
constexpr Format kFormats[] = {Format::fp16, Format::bf16, Format::tf32,
                               Format::fp32, Format::e4m3, Format::e5m2};
constexpr split_dot::Isa kIsas[] = {split_dot::Isa::best, split_dot::Isa::portable};

bool same(const Unpacked& x, const Unpacked& y) {
  return x.kind == y.kind && x.negative == y.negative && x.exp == y.exp && x.mant == y.mant &&
         x.sticky == y.sticky;
}

// The integer window's answer: the reference the split path must reproduce.
Unpacked window_dot(Format f, const Bits& a, const Bits& b, Rounding mode = Rounding::rne) {
  ExactAccumulator acc(f);
  acc.add_dot(a, b);
  return acc.exact(mode);
}
Unpacked window_sum(Format f, const Bits& x) {
  ExactAccumulator acc(f);
  acc.add_sum(x);
  return acc.exact();
}

// n patterns of format f: exponent fields in a window [e0, e0 + width] (so that the spans of
// the products cover no split point up to the widest the path takes, and beyond), random
// signs and fractions, a share of zeros; tf32 sometimes with its padding bits set. Finite only.
Bits draw(Format f, size_t n, std::mt19937_64& g) {
  const FormatDesc& d = desc(f);
  const int field_max = static_cast<int>(d.exp_field_max());
  const int e0 = std::uniform_int_distribution<int>(0, field_max)(g);
  const int width = std::uniform_int_distribution<int>(0, field_max)(g);
  const double zeros = std::uniform_real_distribution<double>(0, 0.3)(g);
  const bool padded = f == Format::tf32 && g() % 4 == 0;
  const int frac = f == Format::tf32 ? 23 : d.frac_field_bits;
  Bits v(n);
  for (uint64_t& x : v) {
    if (std::uniform_real_distribution<double>(0, 1)(g) < zeros) {
      x = g() % 2 ? d.sign_mask() : 0;
      continue;
    }
    const uint64_t e =
        static_cast<uint64_t>(std::min(field_max, e0 + static_cast<int>(g() % (width + 1))));
    uint64_t m = g() & ((uint64_t{1} << frac) - 1);
    if (f == Format::tf32 && !padded) m &= ~uint64_t{0x1fff};
    x = (g() % 2 ? d.sign_mask() : 0) | (e << frac) | m;
    if (!std::isfinite(decode(f, x))) x &= d.sign_mask();  // finite only: zero instead
  }
  return v;
}

struct Case {
  Format f;
  Bits a, b;
};

rc::Gen<Case> cases() {
  return rc::gen::map(
      rc::gen::tuple(
          rc::gen::elementOf(std::vector<Format>(std::begin(kFormats), std::end(kFormats))),
          rc::gen::inRange<size_t>(0, 20000), rc::gen::arbitrary<uint64_t>()),
      [](const std::tuple<Format, size_t, uint64_t>& t) {
        const auto [f, n, seed] = t;
        std::mt19937_64 g(seed);
        Case c{f, draw(f, n, g), {}};
        c.b = draw(f, n, g);
        return c;
      });
}

split_dot::Operand operand(Format f, const Bits& bits, std::vector<float>& storage) {
  storage.resize(bits.size());
  return split_dot::decode(f, bits, storage.data());
}

class SplitDot : public ::testing::Test {
 protected:
  void TearDown() override { split_dot::use_isa(split_dot::Isa::best); }
};

RC_GTEST_FIXTURE_PROP(SplitDot, DotIsTheWindowsExactValueWhereItAnswers, ()) {
  const Case c = *cases();
  for (split_dot::Isa isa : kIsas) {
    split_dot::use_isa(isa);
    std::vector<float> sa, sb;
    const auto r = split_dot::dot(operand(c.f, c.a, sa), operand(c.f, c.b, sb));
    if (r) RC_ASSERT(same(r->unpacked(), window_dot(c.f, c.a, c.b)));
    for (Rounding mode : {Rounding::rne, Rounding::rd})  // the dispatching reference, zeros too
      RC_ASSERT(same(fixed_ref::dot_exact(c.f, c.a, c.b, mode), window_dot(c.f, c.a, c.b, mode)));
  }
}

RC_GTEST_FIXTURE_PROP(SplitDot, SumIsTheWindowsExactValueWhereItAnswers, ()) {
  const Case c = *cases();
  for (split_dot::Isa isa : kIsas) {
    split_dot::use_isa(isa);
    std::vector<float> s;
    const auto r = split_dot::sum(operand(c.f, c.a, s));
    if (r) RC_ASSERT(same(r->unpacked(), window_sum(c.f, c.a)));
    RC_ASSERT(same(fixed_ref::sum_exact(c.f, c.a), window_sum(c.f, c.a)));
  }
}

// The statistics the GEMM reference takes from the same pass: the largest |a_i b_i| exactly,
// and sum |a_i b_i| within (n - 1) 2^-53 of its exact value (any summation order).
RC_GTEST_FIXTURE_PROP(SplitDot, StatisticsBoundTheAbsoluteTerms, ()) {
  const Case c = *cases();
  Bits abs_a = c.a, abs_b = c.b;
  for (uint64_t& x : abs_a) x &= ~desc(c.f).sign_mask();
  for (uint64_t& x : abs_b) x &= ~desc(c.f).sign_mask();
  const double exact =
      decode(Format::fp64, round_to(Format::fp64, window_dot(c.f, abs_a, abs_b)).bits);
  double largest = 0;
  for (size_t i = 0; i < c.a.size(); ++i)
    largest = std::max(largest, std::fabs(decode(c.f, c.a[i]) * decode(c.f, c.b[i])));
  for (split_dot::Isa isa : kIsas) {
    split_dot::use_isa(isa);
    std::vector<float> sa, sb;
    const auto r = split_dot::dot(operand(c.f, c.a, sa), operand(c.f, c.b, sb), true);
    if (!r) continue;
    RC_ASSERT(r->max_abs == largest);
    RC_ASSERT(std::fabs(r->abs_sum - exact) <= static_cast<double>(c.a.size()) * 0x1p-53 * exact);
  }
}

// The worst case of every plan, built from its split points. Per split point t, a block whose
// every lane gets one term with its lsb at 2^lo and then terms 2^(t - 1 + F) + 2^(t - 1): a tie
// at t that rounds down every time (the accumulator's bit t stays even), so each leaves the rest
// +2^(t - 1), the largest a rest can be; one term just below 2^hi sets the range. A run of terms
// just below 2^hi after the same lsb terms checks the plain sum of plans without split points.
// The plan keeps one bit of margin on these bounds (split_dot.cpp): a plan that lets the last
// accumulator or the plain sum span two bits more rounds in this sweep (tried by hand).
TEST_F(SplitDot, TheLargestRestsAtEverySplitPointStayExact) {
  for (split_dot::Isa isa : kIsas) {
    split_dot::use_isa(isa);
    for (Format f : {Format::bf16, Format::fp32}) {
      const int frac = desc(f).frac_field_bits;
      auto value = [&](int top, int low) {  // 2^top + 2^low, a value of f
        return round_double(f, std::ldexp(1.0, top) + std::ldexp(1.0, low)).bits;
      };
      auto check = [&](const Bits& x, int span) {
        const Bits ones(x.size(), round_double(f, 1.0).bits);
        std::vector<float> sx, s1;
        const auto sum = split_dot::sum(operand(f, x, sx));
        ASSERT_TRUE(sum.has_value()) << name(f) << " span " << span;
        EXPECT_TRUE(same(sum->unpacked(), window_sum(f, x))) << name(f) << " span " << span;
        const auto dot = split_dot::dot(operand(f, x, sx), operand(f, ones, s1));
        if (dot) {
          EXPECT_TRUE(same(dot->unpacked(), window_dot(f, x, ones))) << name(f) << " " << span;
        }
      };
      const int top = 60, hi = top + 1;
      const uint64_t largest =
          round_double(f, std::ldexp(2.0 - std::ldexp(1.0, -frac), top)).bits;  // < 2^hi
      int answered = 0;
      for (int span = 30; span <= 170; ++span) {
        const int lo = hi - span;
        const auto splits = split_dot::split_points(hi, lo);
        if (!splits) continue;
        ++answered;
        for (int t : *splits) {
          if (t - 1 <= lo + frac || t - 1 + frac >= top) continue;
          Bits x(8, value(lo + frac, lo));  // one in every lane
          x.resize(3 * 8192, value(t - 1 + frac, t - 1));
          x.push_back(largest);
          check(x, span);
        }
        Bits x(8, value(lo + frac, lo));
        x.resize(3 * 8192, largest);
        check(x, span);
      }
      EXPECT_GT(answered, 100) << name(f);  // spans up to three split points were swept
    }
  }
}

// Ordinary data takes the split path: uniform values of a normalised layer at n = 4096.
TEST_F(SplitDot, AnswersOnOrdinaryData) {
  std::mt19937_64 g(7);
  std::uniform_real_distribution<double> u(-1, 1);
  for (Format f : kFormats)
    for (split_dot::Isa isa : kIsas) {
      split_dot::use_isa(isa);
      Bits a(4096), b(4096);
      for (size_t i = 0; i < a.size(); ++i) {
        a[i] = round_double(f, u(g)).bits;
        b[i] = round_double(f, u(g)).bits;
      }
      std::vector<float> sa, sb;
      const auto r = split_dot::dot(operand(f, a, sa), operand(f, b, sb));
      ASSERT_TRUE(r.has_value()) << name(f) << " " << split_dot::isa_name();
      EXPECT_TRUE(same(r->unpacked(), window_dot(f, a, b))) << name(f);
    }
}

// The whole fp16 product range in one dot: 65504^2 and 2^-24 * 2^-24 (80 bits apart).
TEST_F(SplitDot, AnswersAcrossTheWholeFp16Range) {
  const Bits a = {0x7bff, 0x0001, 0x0001}, b = {0x7bff, 0x0001, 0x8001};
  const Bits a2 = {0x7bff, 0x0001}, b2 = {0xfbff, 0x0001};
  for (split_dot::Isa isa : kIsas) {
    split_dot::use_isa(isa);
    std::vector<float> s1, s2;
    const auto r = split_dot::dot(operand(Format::fp16, a2, s1), operand(Format::fp16, b2, s2));
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE(same(r->unpacked(), window_dot(Format::fp16, a2, b2)));  // -65504^2 + 2^-48
    EXPECT_TRUE(same(fixed_ref::dot_exact(Format::fp16, a, b), window_dot(Format::fp16, a, b)));
  }
}

TEST_F(SplitDot, DeclinesWhereItSaysItDoes) {
  std::vector<float> s1, s2;
  auto dot = [&](Format f, const Bits& a, const Bits& b) {
    return split_dot::dot(operand(f, a, s1), operand(f, b, s2));
  };
  for (split_dot::Isa isa : kIsas) {
    split_dot::use_isa(isa);
    EXPECT_FALSE(dot(Format::fp16, {0x7e00, 0x3c00}, {0x3c00, 0x3c00}));  // NaN
    EXPECT_FALSE(dot(Format::fp16, {0x7c00}, {0x0000}));                  // inf * 0
    EXPECT_FALSE(dot(Format::bf16, {0x7f80, 0x3f80}, {0x3f80, 0x3f80}));  // inf
    EXPECT_FALSE(dot(Format::fp16, {0x3c00, 0x3c00}, {0x3c00, 0xbc00}));  // 1 - 1: a zero sum
    EXPECT_FALSE(dot(Format::bf16, {0x0000}, {0x3f80}));                  // every term zero
    EXPECT_FALSE(dot(Format::bf16, {0x7f7f, 0x0001}, {0x7f7f, 0x0001}));  // 2^255 and 2^-266
    const Bits ones = {0x3c00, 0x3c00}, one_minus_one = {0x3c00, 0xbc00};
    EXPECT_FALSE(fixed_ref::dot_exact(Format::fp16, ones, one_minus_one).negative);  // +0
    EXPECT_TRUE(fixed_ref::dot_exact(Format::fp16, ones, one_minus_one, Rounding::rd).negative);
  }
  EXPECT_THROW(split_dot::decode(Format::fp64, Bits{0}, s1.data()), std::invalid_argument);
}

// Decoding is decode()'s, for every fp16 and bf16 pattern (bits above the storage width
// ignored) and random fp32 / tf32 patterns; the range bounds every value.
TEST_F(SplitDot, DecodesEveryPatternAsDecodeDoes) {
  for (split_dot::Isa isa : kIsas) {
    split_dot::use_isa(isa);
    for (Format f : {Format::fp16, Format::bf16, Format::e4m3, Format::e5m2}) {
      Bits bits(size_t{1} << desc(f).storage_bits);
      for (uint64_t x = 0; x < bits.size(); ++x) bits[x] = x | (x << 32);  // junk above
      std::vector<float> out(bits.size());
      split_dot::decode(f, bits, out.data());
      for (uint64_t x = 0; x < bits.size(); ++x) {
        const double want = decode(f, x);
        if (std::isnan(want))
          ASSERT_TRUE(std::isnan(out[x])) << name(f) << " " << x;
        else
          ASSERT_EQ(static_cast<double>(out[x]), want) << name(f) << " " << x;
      }
    }
    std::mt19937_64 g(11);
    for (Format f : {Format::fp32, Format::tf32, Format::bf16, Format::fp16}) {
      for (int trial = 0; trial < 200; ++trial) {
        const Bits bits = draw(f, 1 + g() % 100, g);
        std::vector<float> out(bits.size());
        const split_dot::Operand o = split_dot::decode(f, bits, out.data());
        for (size_t i = 0; i < bits.size(); ++i) {
          const double v = decode(f, bits[i]);
          ASSERT_EQ(static_cast<double>(out[i]), v);
          if (v == 0) continue;
          EXPECT_LT(std::fabs(v), std::ldexp(1.0, o.max_exp + 1)) << name(f);
          EXPECT_EQ(std::fmod(v, std::ldexp(1.0, o.min_lsb)), 0.0) << name(f);
        }
      }
    }
  }
}

}  // namespace
}  // namespace numguard
