// Block-scaled conversion (references/mx_block.h) against the OCP Microscaling v1.0
// specification's rule (X = 2^(floor(log2 amax) - emax_elem), elements RNE with saturation) and
// the round-up variant (X = 2^ceil(log2(amax / max_elem)), which never saturates), and NVFP4's
// two-level scaling (per-tensor amax / (6 * 448), per-16 UE4M3 scale amax_block / 6, RNE).
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <vector>

#include "harness/core/rounding.h"
#include "references/mx_block.h"

namespace numguard::mx {
namespace {

const BlockFormat& fmt_of(std::string_view name) {
  const BlockFormat* f = find_block_format(name);
  if (!f) throw std::invalid_argument(std::string(name));
  return *f;
}

TEST(BlockFormats, TableIsNonEmptyAndMatchesTheSpecifications) {
  ASSERT_FALSE(block_formats().empty());
  EXPECT_EQ(fmt_of("mxfp8_e4m3").block, 32);
  EXPECT_EQ(fmt_of("mxfp8_e4m3").scale, Format::e8m0);
  EXPECT_EQ(fmt_of("mxfp4").element, Format::e2m1);
  EXPECT_EQ(fmt_of("nvfp4").block, 16);
  EXPECT_EQ(fmt_of("nvfp4").scale, Format::ue4m3);
}

TEST(MxQuantize, SpecScaleIsTheFloorAndSaturates) {
  const Quantized q =
      quantize(fmt_of("mxfp8_e4m3"), std::vector<double>{500, 1, -3}, ScaleRule::spec);
  EXPECT_EQ(q.scales.at(0), 0x7fu);  // 2^(floor(log2 500) - 8) = 2^0
  EXPECT_EQ(q.value(0), 448.0);      // 500 saturates to e4m3's largest
  EXPECT_EQ(q.value(1), 1.0);
  EXPECT_EQ(q.value(2), -3.0);
}

TEST(MxQuantize, RoundUpScaleNeverSaturates) {
  const Quantized q =
      quantize(fmt_of("mxfp8_e4m3"), std::vector<double>{500, 1, -3}, ScaleRule::up);
  EXPECT_EQ(q.scales.at(0), 0x80u);  // 2^ceil(log2(500 / 448)) = 2
  EXPECT_EQ(q.value(0), 512.0);      // 250 -> 256 in e4m3 (RNE), times 2
  EXPECT_EQ(q.value(1), 1.0);
}

TEST(MxQuantize, Fp4Elements) {
  const std::vector<double> v = {7, 3, 0.5, -1.25, 0};
  const Quantized spec = quantize(fmt_of("mxfp4"), v, ScaleRule::spec);
  EXPECT_EQ(spec.scales.at(0), 0x7fu);  // floor(log2 7) - 2 = 0
  EXPECT_EQ(spec.value(0), 6.0);        // saturated
  EXPECT_EQ(spec.value(3), -1.0);       // -1.25: 1 and 1.5 are 0.25 apart: nearest is 1
  const Quantized up = quantize(fmt_of("mxfp4"), v, ScaleRule::up);
  EXPECT_EQ(up.scales.at(0), 0x80u);  // ceil(log2(7 / 6)) = 1
  EXPECT_EQ(up.value(0), 8.0);        // 3.5: a tie between 3 and 4, even: 4
  EXPECT_EQ(up.value(2), 0.0);        // 0.25: a tie between 0 and 0.5, even: 0
}

TEST(MxQuantize, SpecialBlocks) {
  std::vector<double> v(40, 1.0);
  v[3] = NAN;
  std::fill(v.begin() + 32, v.end(), 0.0);
  const Quantized q = quantize(fmt_of("mxfp8_e5m2"), v, ScaleRule::spec);
  ASSERT_EQ(q.scales.size(), 2u);  // 32 + a short block of 8
  EXPECT_EQ(q.scales[0], 0xffu);   // a NaN in the block: NaN scale
  EXPECT_TRUE(std::isnan(q.value(0)));
  EXPECT_EQ(q.scales[1], 0x00u);  // all zero: the smallest scale, 2^-127
  EXPECT_EQ(q.value(35), 0.0);
}

TEST(Nvfp4Quantize, TwoLevelScales) {
  std::vector<double> v(32, 0.0);
  v[0] = 100;  // block 0: amax 100 (the tensor's)
  v[16] = 6;   // block 1: amax 6
  const Quantized q = quantize(fmt_of("nvfp4"), v, ScaleRule::spec);
  EXPECT_EQ(q.tensor_scale, round_value(Format::fp32, 100.0 / (6 * 448)));  // held in fp32
  EXPECT_EQ(q.scales[0], round_double(Format::ue4m3, 448.0).bits);  // 100 / 6 / tensor_scale
  EXPECT_NEAR(q.value(0), 100.0, 100 * 0x1p-23);  // 6 * 448 * tensor_scale (rounded to fp32)
  EXPECT_EQ(q.scales[1], round_double(Format::ue4m3, 6.0 / 6 / q.tensor_scale).bits);
}

// With the round-up rule no element exceeds the element format's largest value before
// rounding, and each dequantized value is within half an element ulp (times the scale) of its
// input: the only loss is the element rounding.
RC_GTEST_PROP(MxQuantize, RoundUpLosesOnlyTheElementRounding, ()) {
  const auto& all = block_formats();
  const BlockFormat& f = all[*rc::gen::inRange<size_t>(0, all.size())];
  if (f.scale != Format::e8m0) return;
  const int n = *rc::gen::inRange(1, 70);
  const int e = *rc::gen::inRange(-40, 40);
  std::vector<double> v;
  for (int i = 0; i < n; ++i)
    v.push_back(std::ldexp(*rc::gen::inRange(-1000000, 1000000) / 1e6, e));
  const Quantized q = quantize(f, v, ScaleRule::up);
  const FormatDesc& d = desc(f.element);
  for (size_t i = 0; i < v.size(); ++i) {
    const double x = decode(f.scale, q.scales[i / static_cast<size_t>(f.block)]);
    const double r = v[i] / x;
    RC_ASSERT(std::fabs(r) <= d.max_finite());
    const int ex = r == 0 ? d.emin() : std::max(std::ilogb(r), d.emin());
    const double half_ulp = std::ldexp(1.0, ex - (d.precision - 1)) / 2;
    RC_ASSERT(std::fabs(q.value(i) - v[i]) <= half_ulp * x);
  }
}

}  // namespace
}  // namespace numguard::mx
