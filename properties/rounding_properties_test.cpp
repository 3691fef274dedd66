// Properties of the generic rounding routine over random reals and every format and mode.
// RapidCheck's seed is fixed by RC_PARAMS in CMake; a failure prints the string to replay it.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <vector>

#include "harness/core/format.h"
#include "harness/core/rounding.h"
#include "harness/core/ulp.h"

namespace numguard {
namespace {

const std::vector<Format> kTargets = {Format::fp32, Format::tf32, Format::bf16,
                                      Format::fp16, Format::e4m3, Format::e5m2};
const std::vector<Rounding> kModes = {Rounding::rne, Rounding::rz, Rounding::ru, Rounding::rd,
                                      Rounding::rna};

// Finite reals spread over the target's whole range, a little beyond it at both ends.
rc::Gen<double> real_near(Format f) {
  const FormatDesc& d = desc(f);
  return rc::gen::apply(
      [](uint64_t mant, int e, bool neg) {
        const double m = std::ldexp(static_cast<double>(mant >> 11) + 1.0, -53) + 1.0;  // [1,2)
        const double v = std::ldexp(m, e);
        return neg ? -v : v;
      },
      rc::gen::arbitrary<uint64_t>(), rc::gen::inRange(d.emin() - d.precision - 2, d.emax() + 3),
      rc::gen::arbitrary<bool>());
}

double rounded(Format f, double x, Rounding m) {
  RoundOptions o;
  o.mode = m;
  o.saturate = f == Format::e4m3;  // keeps e4m3 overflow ordered (no NaN)
  return decode(f, round_double(f, x, o).bits);
}

RC_GTEST_PROP(RoundingProperties, IsMonotone, ()) {
  const Format f = *rc::gen::elementOf(kTargets);
  const Rounding m = *rc::gen::elementOf(kModes);
  double x = *real_near(f), y = *real_near(f);
  if (x > y) std::swap(x, y);
  RC_ASSERT(rounded(f, x, m) <= rounded(f, y, m));
}

RC_GTEST_PROP(RoundingProperties, TowardZeroNeverIncreasesMagnitude, ()) {
  const Format f = *rc::gen::elementOf(kTargets);
  const double x = *real_near(f);
  RC_ASSERT(std::fabs(rounded(f, x, Rounding::rz)) <= std::fabs(x));
}

RC_GTEST_PROP(RoundingProperties, NearestModesAreWithinHalfAnUlp, ()) {
  const Format f = *rc::gen::elementOf(kTargets);
  const Rounding m = *rc::gen::element(Rounding::rne, Rounding::rna);
  const double x = *real_near(f);
  RC_PRE(std::fabs(x) <= desc(f).max_finite());
  RC_ASSERT(std::fabs(rounded(f, x, m) - x) <= 0.5 * ulp_of(f, x));
}

RC_GTEST_PROP(RoundingProperties, DirectedModesAreWithinOneUlpOnTheRightSide, ()) {
  const Format f = *rc::gen::elementOf(kTargets);
  const double x = *real_near(f);
  RC_PRE(std::fabs(x) <= desc(f).max_finite());
  const double u = ulp_of(f, x);
  const double up = rounded(f, x, Rounding::ru), down = rounded(f, x, Rounding::rd),
               zero = rounded(f, x, Rounding::rz);
  RC_ASSERT(up >= x);
  RC_ASSERT(up - x < u);
  RC_ASSERT(down <= x);
  RC_ASSERT(x - down < u);
  RC_ASSERT(zero == (x < 0 ? up : down));
}

RC_GTEST_PROP(RoundingProperties, StochasticRoundingPicksANeighbour, (uint64_t seed)) {
  const Format f = *rc::gen::elementOf(kTargets);
  const double x = *real_near(f);
  RC_PRE(std::fabs(x) <= desc(f).max_finite());
  StochasticSource rng(seed);
  RoundOptions o;
  o.mode = Rounding::sr;
  o.rng = &rng;
  const double s = decode(f, round_double(f, x, o).bits);
  RC_ASSERT(s == rounded(f, x, Rounding::ru) || s == rounded(f, x, Rounding::rd));
}

// E[SR(x)] = x. With N samples each in [lo, hi] (hi - lo = one ulp), Hoeffding's inequality
// gives P(|mean - x| >= t) <= 2 exp(-2 N t^2 / ulp^2); t = ulp * sqrt(ln(2/1e-9) / (2N))
// makes a false failure rarer than 1e-9 per point.
TEST(StochasticRounding, IsUnbiasedWithinHoeffdingBound) {
  constexpr int kSamples = 200000;
  const double t_in_ulps = std::sqrt(std::log(2.0 / 1e-9) / (2.0 * kSamples));
  StochasticSource rng(20261124);
  for (Format f : {Format::bf16, Format::fp16, Format::e4m3}) {
    for (double frac : {0.5, 0.25, 0.1, 0.9, 1.0 / 3.0}) {
      const double lo = 1.0, u = ulp_of(f, lo), x = lo + frac * u;
      RoundOptions o;
      o.mode = Rounding::sr;
      o.rng = &rng;
      double sum = 0;
      for (int i = 0; i < kSamples; ++i) sum += decode(f, round_double(f, x, o).bits) - lo;
      const double mean_offset_ulps = sum / kSamples / u;
      EXPECT_NEAR(mean_offset_ulps, frac, t_in_ulps) << name(f) << " frac " << frac;
    }
  }
}

TEST(StochasticRounding, SameSeedSameSequence) {
  StochasticSource a(7), b(7);
  RoundOptions oa{.mode = Rounding::sr, .rng = &a}, ob{.mode = Rounding::sr, .rng = &b};
  for (int i = 0; i < 1000; ++i) {
    const double x = 1.0 + i * 1e-4;
    EXPECT_EQ(round_double(Format::bf16, x, oa).bits, round_double(Format::bf16, x, ob).bits);
  }
}

}  // namespace
}  // namespace numguard
