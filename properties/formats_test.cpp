// Exhaustive checks of the format table and the generic rounding routine for every 8- and
// 16-bit pattern, against an independent MPFR oracle (support/mpfr_oracle.h).
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>

#include "harness/core/format.h"
#include "harness/core/rounding.h"
#include "properties/support/mpfr_oracle.h"

namespace numguard {
namespace {

constexpr Rounding kModes[] = {Rounding::rne, Rounding::rz, Rounding::ru, Rounding::rd,
                               Rounding::rna};

uint64_t patterns_of(Format f) {
  return uint64_t{1} << desc(f).storage_bits;
}

// Value of a pattern from its fields, written independently of decode().
double value_from_fields(Format f, uint64_t bits) {
  const FormatDesc& d = desc(f);
  const int s = d.has_sign ? (bits >> (d.storage_bits - 1)) & 1 : 0;
  const int e = static_cast<int>((bits >> d.frac_field_bits) & d.exp_field_max());
  const double m = static_cast<double>(bits & d.frac_mask()) / std::ldexp(1.0, d.frac_field_bits);
  if (f == Format::e8m0) return std::ldexp(1.0, e - 127);  // exponent only: no zero, no subnormal
  const double v = e == 0 ? std::ldexp(m, d.emin()) : std::ldexp(1.0 + m, e - d.bias());
  return s ? -v : v;
}

bool same_value(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return a == b && std::signbit(a) == std::signbit(b);
}

#define EXPECT_ROUND_TRIP(fmt, pattern)                                                \
  do {                                                                                 \
    const uint64_t rt = round_double(fmt, decode(fmt, pattern)).bits;                  \
    if (is_nan(fmt, pattern))                                                          \
      EXPECT_TRUE(is_nan(fmt, rt)) << name(fmt) << " NaN 0x" << std::hex << (pattern); \
    else                                                                               \
      EXPECT_EQ(rt, pattern) << name(fmt) << " 0x" << std::hex << (pattern);           \
  } while (0)

class SmallFormat : public ::testing::TestWithParam<Format> {};

TEST_P(SmallFormat, EveryPatternDecodesToItsFieldValue) {
  const Format f = GetParam();
  for (uint64_t b = 0; b < patterns_of(f); ++b) {
    const FpClass c = classify(f, b);
    if (c == FpClass::nan) {
      EXPECT_TRUE(std::isnan(decode(f, b)));
    } else if (c == FpClass::inf) {
      EXPECT_TRUE(std::isinf(decode(f, b)));
    } else {
      EXPECT_TRUE(same_value(decode(f, b), value_from_fields(f, b))) << std::hex << b;
    }
  }
}

TEST_P(SmallFormat, EveryPatternRoundTrips) {
  const Format f = GetParam();
  for (uint64_t b = 0; b < patterns_of(f); ++b) EXPECT_ROUND_TRIP(f, b);
}

TEST_P(SmallFormat, EveryValueConvertsToEveryFormatAsMpfrRoundsIt) {
  const Format from = GetParam();
  ASSERT_FALSE(all_formats().empty());
  for (const FormatDesc& to : all_formats())
    for (Rounding m : kModes) {
      RoundOptions o;
      o.mode = m;
      for (uint64_t b = 0; b < patterns_of(from); ++b) {
        const double x = decode(from, b);
        const double got = decode(to.id, convert(from, b, to.id, o).bits);
        const double want = testing::oracle_round(to.id, x, m, to.saturates_by_default);
        ASSERT_TRUE(same_value(got, want))
            << name(from) << " 0x" << std::hex << b << " -> " << to.name << " " << name(m)
            << ": got " << got << " want " << want;
      }
    }
}

INSTANTIATE_TEST_SUITE_P(Formats, SmallFormat,
                         ::testing::Values(Format::fp16, Format::bf16, Format::e4m3, Format::e5m2,
                                           Format::e2m1, Format::e3m2, Format::e2m3, Format::e8m0,
                                           Format::ue4m3, Format::e4m3fnuz, Format::e5m2fnuz),
                         [](const auto& info) { return std::string(name(info.param)); });

// The table's constants against docs/REFERENCE.md's format table.
TEST(FormatTable, ConstantsMatchTheStandards) {
  EXPECT_EQ(desc(Format::fp16).max_finite(), 65504.0);
  EXPECT_EQ(desc(Format::fp16).min_normal(), std::ldexp(1.0, -14));
  EXPECT_EQ(desc(Format::fp16).min_subnormal(), std::ldexp(1.0, -24));
  EXPECT_EQ(desc(Format::fp16).unit_roundoff(), std::ldexp(1.0, -11));
  EXPECT_EQ(desc(Format::bf16).max_finite(), std::ldexp(255.0, 120));  // ~3.3895e38
  EXPECT_EQ(desc(Format::bf16).min_subnormal(), std::ldexp(1.0, -133));
  EXPECT_EQ(desc(Format::bf16).unit_roundoff(), std::ldexp(1.0, -8));
  EXPECT_EQ(desc(Format::tf32).max_finite(), std::ldexp(2047.0, 117));
  EXPECT_EQ(desc(Format::tf32).min_subnormal(), std::ldexp(1.0, -136));
  EXPECT_EQ(desc(Format::tf32).eps(), std::ldexp(1.0, -10));
  EXPECT_EQ(desc(Format::e4m3).max_finite(), 448.0);
  EXPECT_EQ(desc(Format::e4m3).min_normal(), std::ldexp(1.0, -6));
  EXPECT_EQ(desc(Format::e4m3).min_subnormal(), std::ldexp(1.0, -9));
  EXPECT_EQ(desc(Format::e5m2).max_finite(), 57344.0);
  EXPECT_EQ(desc(Format::e5m2).min_subnormal(), std::ldexp(1.0, -16));
  EXPECT_EQ(desc(Format::fp32).max_finite(),
            static_cast<double>(std::numeric_limits<float>::max()));
  EXPECT_EQ(desc(Format::fp64).max_finite(), std::numeric_limits<double>::max());
  EXPECT_EQ(desc(Format::fp64).min_subnormal(), std::numeric_limits<double>::denorm_min());
}

// OCP MX v1.0: fp4 e2m1, fp6 e3m2 / e2m3 (no inf, no NaN), the E8M0 scale; NVFP4's ue4m3.
TEST(FormatTable, MicroscalingFormatsMatchTheOcpSpecification) {
  EXPECT_EQ(desc(Format::e2m1).max_finite(), 6.0);
  EXPECT_EQ(desc(Format::e2m1).min_subnormal(), 0.5);
  EXPECT_EQ(decode(Format::e2m1, 0x5), 3.0);
  EXPECT_EQ(decode(Format::e2m1, 0xf), -6.0);
  EXPECT_EQ(desc(Format::e3m2).max_finite(), 28.0);
  EXPECT_EQ(desc(Format::e3m2).min_subnormal(), 0.0625);
  EXPECT_EQ(desc(Format::e2m3).max_finite(), 7.5);
  EXPECT_EQ(desc(Format::e2m3).min_subnormal(), 0.125);
  EXPECT_EQ(decode(Format::e8m0, 0x00), std::ldexp(1.0, -127));
  EXPECT_EQ(decode(Format::e8m0, 0x7f), 1.0);
  EXPECT_EQ(decode(Format::e8m0, 0xfe), std::ldexp(1.0, 127));
  EXPECT_TRUE(is_nan(Format::e8m0, 0xff));
  EXPECT_EQ(desc(Format::ue4m3).max_finite(), 448.0);
  // AMD's fnuz fp8 (PyTorch float8_e4m3fnuz / e5m2fnuz): bias 8 and 16, 0x80 the only NaN.
  EXPECT_EQ(desc(Format::e4m3fnuz).max_finite(), 240.0);
  EXPECT_EQ(desc(Format::e5m2fnuz).max_finite(), 57344.0);
  EXPECT_EQ(desc(Format::e4m3fnuz).min_subnormal(), std::ldexp(1.0, -10));
  EXPECT_EQ(desc(Format::e5m2fnuz).min_subnormal(), std::ldexp(1.0, -17));
  EXPECT_EQ(decode(Format::e4m3fnuz, 0x08), std::ldexp(1.0, -7));  // the smallest normal
  EXPECT_TRUE(is_nan(Format::e4m3fnuz, 0x80));
  EXPECT_EQ(decode(Format::e4m3fnuz, 0xff), -240.0);  // the top binade is finite
  EXPECT_TRUE(is_nan(Format::e5m2fnuz, 0x80));
  EXPECT_EQ(round_double(Format::e4m3fnuz, -0.0).bits, 0x00u);      // no -0: +0
  EXPECT_EQ(round_double(Format::e4m3fnuz, -0x1p-30).bits, 0x00u);  // underflow: +0, not NaN
  EXPECT_EQ(round_double(Format::e4m3fnuz, 1e6).bits, 0x80u);       // overflow: NaN (no inf)
  EXPECT_TRUE(is_nan(Format::ue4m3, 0x7f));
  EXPECT_TRUE(is_nan(Format::ue4m3, 0x80));  // the byte's top bit is not a sign
  EXPECT_FALSE(is_canonical_encoding(Format::ue4m3, 0x81));
}

TEST(FormatTable, E4m3HasOneNanPerSignAndNoInf) {
  EXPECT_TRUE(is_nan(Format::e4m3, 0x7f));
  EXPECT_TRUE(is_nan(Format::e4m3, 0xff));
  EXPECT_EQ(decode(Format::e4m3, 0x7e), 448.0);
  EXPECT_EQ(decode(Format::e4m3, 0x78), 256.0);  // exponent field 15 is a finite binade
}

TEST(FormatTable, NamesAndAliasesResolve) {
  EXPECT_EQ(format_from_name("fp16"), Format::fp16);
  EXPECT_EQ(format_from_name("BF16"), Format::bf16);
  EXPECT_EQ(format_from_name("e4m3fn"), Format::e4m3);
  EXPECT_EQ(format_from_name("fp12"), std::nullopt);
}

// Worked examples: one claim per line, reference value on the right.
uint64_t rnd(Format f, double x, Rounding m = Rounding::rne, bool ftz = false,
             bool saturate = false) {
  RoundOptions o;
  o.mode = m;
  o.ftz = ftz;
  o.saturate = saturate;
  return round_double(f, x, o).bits;
}

TEST(Rounding, WorkedExamples) {
  EXPECT_EQ(rnd(Format::bf16, 0.26914), 0x3e8au);
  EXPECT_EQ(rnd(Format::bf16, 0.26914, Rounding::rz), 0x3e89u);
  EXPECT_EQ(rnd(Format::fp16, 65520.0), 0x7c00u);   // the RNE overflow threshold
  EXPECT_EQ(rnd(Format::fp16, 65519.99), 0x7bffu);  // just below it
  EXPECT_EQ(rnd(Format::fp16, 65520.0, Rounding::rz), 0x7bffu);
  EXPECT_EQ(rnd(Format::fp16, -1e6, Rounding::ru), 0xfbffu);
  EXPECT_EQ(rnd(Format::fp16, -1e6, Rounding::rd), 0xfc00u);
  EXPECT_EQ(rnd(Format::fp16, 3e-8), 0x0001u);  // 2^-24, the smallest subnormal
  EXPECT_EQ(rnd(Format::fp16, 3e-8, Rounding::rne, /*ftz=*/true), 0x0000u);
  EXPECT_EQ(rnd(Format::fp16, -3e-8, Rounding::rne, /*ftz=*/true), 0x8000u);
  EXPECT_EQ(rnd(Format::fp16, std::ldexp(1.0, -25)), 0x0000u);  // tie to even (zero)
  EXPECT_EQ(rnd(Format::fp16, std::ldexp(1.0, -25), Rounding::rna), 0x0001u);
  EXPECT_EQ(rnd(Format::fp16, std::ldexp(3.0, -25)), 0x0002u);  // tie to even (2)
  EXPECT_EQ(rnd(Format::e4m3, 464.0), 0x7eu);  // tie between 448 and the NaN slot: even
  EXPECT_EQ(rnd(Format::e4m3, 465.0), 0x7fu);  // beyond: NaN (no inf in e4m3fn)
  EXPECT_EQ(rnd(Format::e4m3, 1e9, Rounding::rne, false, /*saturate=*/true), 0x7eu);
  EXPECT_EQ(rnd(Format::e4m3, -INFINITY, Rounding::rne, false, true), 0xfeu);
  EXPECT_EQ(rnd(Format::e5m2, 61440.0), 0x7cu);  // 57344 + half ulp: to inf
  EXPECT_EQ(rnd(Format::tf32, 1.0 + std::ldexp(1.0, -11)), 0x3f800000u);  // tie: even
  EXPECT_EQ(rnd(Format::tf32, 1.0 + std::ldexp(1.0, -11), Rounding::rna), 0x3f802000u);  // cvt.rna
}

TEST(Rounding, MicroscalingConversions) {
  EXPECT_EQ(rnd(Format::e2m1, 5.0), 0x6u);                 // 4 and 6 tie: even (4)
  EXPECT_EQ(rnd(Format::e2m1, 5.0, Rounding::rna), 0x7u);  // away: 6
  EXPECT_EQ(rnd(Format::e2m1, 100.0), 0x7u);               // saturates by default: 6
  EXPECT_EQ(rnd(Format::e2m1, -INFINITY), 0xfu);           // -6
  EXPECT_EQ(rnd(Format::e2m1, NAN), 0x7u);                 // no NaN: the largest value
  EXPECT_EQ(rnd(Format::e2m1, 0.25), 0x0u);                // tie between 0 and 0.5: even
  EXPECT_EQ(rnd(Format::e3m2, 30.0), 0x1fu);               // 28 (no inf: the largest value)
  EXPECT_EQ(rnd(Format::e8m0, 3.0), 0x81u);  // between 2 and 4: a 1-bit significand ties up
  EXPECT_EQ(rnd(Format::e8m0, 3.0, Rounding::rz), 0x80u);  // 2
  EXPECT_EQ(rnd(Format::e8m0, 0.0), 0x00u);                // no zero: 2^-127
  EXPECT_EQ(rnd(Format::e8m0, std::ldexp(1.0, -140)), 0x00u);
  EXPECT_EQ(rnd(Format::e8m0, -1.0), 0xffu);   // unsigned: NaN
  EXPECT_EQ(rnd(Format::e8m0, 1e39), 0xffu);   // beyond 2^127 without saturation: NaN
  EXPECT_EQ(rnd(Format::ue4m3, -0.0), 0x00u);  // -0 is +0
  EXPECT_EQ(rnd(Format::ue4m3, -1.0), 0x7fu);  // unsigned: NaN
  EXPECT_EQ(rnd(Format::ue4m3, 448.0), 0x7eu);
}

TEST(Rounding, DazReadsSubnormalsAsZero) {
  EXPECT_EQ(convert(Format::fp16, 0x0001, Format::fp32, {}, /*daz=*/true).bits, 0u);
  EXPECT_EQ(convert(Format::fp16, 0x8001, Format::fp32, {}, /*daz=*/true).bits, 0x80000000u);
  EXPECT_EQ(convert(Format::fp16, 0x0001, Format::fp32).bits, 0x33800000u);
}

TEST(Rounding, NanAndInfinityConvert) {
  EXPECT_TRUE(is_nan(Format::bf16, convert(Format::fp32, 0x7fc00000, Format::bf16).bits));
  EXPECT_EQ(convert(Format::fp32, 0xff800000, Format::fp16).bits, 0xfc00u);
  EXPECT_TRUE(is_nan(Format::e4m3, convert(Format::fp16, 0x7c00, Format::e4m3).bits));
}

}  // namespace
}  // namespace numguard
