// The range study (report section 2) on a few kernels: the claims of issue 6 and of
// docs/REFERENCE.md's cliffs, each measured by the sweep and compared with a value computed from
// the format constants (and the study's fixed input pattern), never typed in.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <regex>

#include <gtest/gtest.h>

#include "harness/core/rounding.h"
#include "harness/engine/registry.h"
#include "harness/studies/range_boundaries.h"
#include "harness/studies/range_cliffs.h"
#include "harness/studies/range_inputs.h"

namespace numguard::studies {
namespace {

constexpr uint64_t kSeed = 1;

class RangeStudy : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    StudyOptions opt;
    opt.quick = true;
    opt.seed = kSeed;
    opt.kernels = select_kernels(
        "softmax.fp16.fp32acc.nomax,softmax.fp16.fp32acc.twopass,softmax.fp16.fp32acc.online,"
        "sum.fp16.fp16acc.sequential,sum.fp16.fp32acc.sequential,exp.fp16.fp32acc.direct,"
        "exp.fp32.fp32acc.direct,dot.fp16.fp16acc.sequential,dot.fp16.fp32acc.sequential",
        false);
    result_ = new RangeResult(run_range(opt));
    std::printf("range study: %zu kernels in %.2f s\n", result_->records.size(), result_->seconds);
  }
  static void TearDownTestSuite() {
    delete result_;
    result_ = nullptr;
  }
  static const RangeRecord& rec(const char* kernel) {
    const RangeRecord* r = result_->find(kernel);
    if (!r) throw std::runtime_error(std::string("no record for ") + kernel);
    std::printf("%s: lower %.9g (%s) upper %.9g (%s), first bad above %.9g, below %.9g\n", kernel,
                r->lower.value_or(NAN), r->lower_limited ? "limited" : "format end",
                r->upper.value_or(NAN), r->upper_limited ? "limited" : "format end",
                r->upper_bad.value_or(NAN), r->lower_bad.value_or(NAN));
    return *r;
  }
  static RangePattern pattern(const char* kernel) {
    return range_pattern(*find_kernel(kernel), kSeed);
  }
  static RangeResult* result_;
};
RangeResult* RangeStudy::result_ = nullptr;

TEST_F(RangeStudy, NoMaxFp16SoftmaxBreaksBetween11And11p1) {
  const RangeRecord& r = rec("softmax.fp16.fp32acc.nomax");
  // Issue 6: the no-max-subtraction fp16 softmax's boundary lies between 11.0 and 11.1.
  ASSERT_TRUE(r.upper_limited && r.upper && r.upper_bad);
  EXPECT_GT(*r.upper, 11.0);
  EXPECT_LT(*r.upper_bad, 11.1);
  // The fp16 exp cliff ln(65520) (docs/REFERENCE.md: 11.0901) lies between the last good and the
  // first bad fp16 input.
  const double cliff = std::log(overflow_threshold(Format::fp16));
  EXPECT_LE(*r.upper, cliff);
  EXPECT_GE(*r.upper_bad, cliff);
  // Good and inside the promise: up to the declared |x| <= 11 (softmax_kernels.cpp) exactly.
  EXPECT_EQ(r.promised_max_abs_input, 11.0);
  ASSERT_TRUE(r.promised_upper);
  EXPECT_EQ(*r.promised_upper, 11.0);
}

TEST_F(RangeStudy, MaxSubtractingFp16SoftmaxHasNoOverflowBoundary) {
  // With the max subtracted exp never exceeds 1: good up to fp16's largest finite value.
  for (const char* k : {"softmax.fp16.fp32acc.twopass", "softmax.fp16.fp32acc.online"}) {
    const RangeRecord& r = rec(k);
    EXPECT_FALSE(r.upper_limited) << k << ": " << r.upper_cause;
    ASSERT_TRUE(r.upper);
    EXPECT_EQ(*r.upper, desc(Format::fp16).max_finite()) << k;
  }
}

TEST_F(RangeStudy, Fp16AccumulatedSumOverflowsAtTheAccumulatorCliff) {
  const RangeRecord& r = rec("sum.fp16.fp16acc.sequential");
  const RangePattern p = pattern("sum.fp16.fp16acc.sequential");
  double sum = 0;
  for (double x : p.values[0]) sum += std::fabs(x);
  const double n = static_cast<double>(p.values[0].size());
  // The fp16 accumulator reaches inf when the computed sum passes 65520 (max + half ulp); the
  // computed sum is within gamma_{n-1} of the exact s * sum|p| (Higham), so the boundary lies
  // in T / (sum (1 +- gamma)); n terms of at most max|x| cannot overflow below T / n.
  const double u = desc(Format::fp16).unit_roundoff();
  const double gamma = (n - 1) * u / (1 - (n - 1) * u);
  const double t = overflow_threshold(Format::fp16);
  ASSERT_TRUE(r.upper_limited && r.upper);
  EXPECT_GE(*r.upper, t / (sum * (1 + gamma)));
  EXPECT_LE(*r.upper, t / (sum * (1 - gamma)));
  EXPECT_GT(*r.upper, t / n);
  // The same sum with an fp32 accumulator and output never overflows on fp16 inputs.
  const RangeRecord& wide = rec("sum.fp16.fp32acc.sequential");
  EXPECT_FALSE(wide.upper_limited) << wide.upper_cause;
}

TEST_F(RangeStudy, ExpOverflowsAtLnOfTheThreshold) {
  // docs/REFERENCE.md: fp16 exp overflows for x >= ln 65520 = 11.0901, fp32 near 88.72.
  for (auto [k, f] : {std::pair{"exp.fp16.fp32acc.direct", Format::fp16},
                      std::pair{"exp.fp32.fp32acc.direct", Format::fp32}}) {
    const RangeRecord& r = rec(k);
    const double cliff = std::log(overflow_threshold(f));
    ASSERT_TRUE(r.upper_limited && r.upper && r.upper_bad) << k;
    EXPECT_LE(*r.upper, cliff) << k;
    EXPECT_GE(*r.upper_bad, cliff) << k;
    EXPECT_EQ(r.upper_kind, "output_overflow") << k;
  }
}

TEST_F(RangeStudy, Fp16ExpUnderflowToZeroIsNotBad) {
  const RangeRecord& r = rec("exp.fp16.fp32acc.direct");
  // exp(x) below ln(min subnormal / 2) = -17.33 is 0 in fp16 and so is the rounded exact
  // value: no lower boundary down to fp16's smallest subnormal input.
  EXPECT_FALSE(r.lower_limited) << r.lower_cause;
  ASSERT_TRUE(r.lower);
  EXPECT_EQ(*r.lower, desc(Format::fp16).min_subnormal());
  // At scale 2^5 the bad outputs are exactly the overflowing ones, computed from the pattern;
  // the zeros of the inputs below -17.33 (there must be some) are not counted.
  const RangePattern p = pattern("exp.fp16.fp32acc.direct");
  const double hi = std::log(overflow_threshold(Format::fp16));
  const double lo = std::log(underflow_threshold(Format::fp16));
  int over = 0, zero = 0;
  for (double v : p.values[0]) {
    const double x = round_value(Format::fp16, v * 32);
    over += x >= hi;
    zero += x <= lo;
  }
  EXPECT_GT(zero, 0);
  bool found = false;
  for (const RangePoint& pt : r.points)
    if (pt.log2_scale == 5) {
      found = true;
      EXPECT_DOUBLE_EQ(pt.bad_fraction, over / static_cast<double>(p.values[0].size()));
    }
  EXPECT_TRUE(found);
}

TEST_F(RangeStudy, Fp16AccumulatedDotLosesEveryProductBelowTheUnderflowCliff) {
  const RangeRecord& r = rec("dot.fp16.fp16acc.sequential");
  const RangePattern p = pattern("dot.fp16.fp16acc.sequential");
  double top = 0;  // the largest product of the pattern (both operands scale: s^2 x_i y_i)
  for (size_t i = 0; i < p.values[0].size(); ++i)
    top = std::max(top, std::fabs(p.values[0][i] * p.values[1][i]));
  // Below s = sqrt(Z / max x_i y_i), Z = half fp16's smallest subnormal, every product rounds
  // to 0 in the fp16 accumulator while the exact dot (64 products) is still representable.
  const double cliff = std::sqrt(underflow_threshold(Format::fp16) / top);
  ASSERT_TRUE(r.lower_limited && r.lower && r.lower_bad);
  EXPECT_NEAR(*r.lower / cliff, 1.0, 0.01);
  EXPECT_EQ(r.lower_kind, "zero");
  // An fp32 accumulator holds those products: no lower boundary on fp16 inputs.
  EXPECT_FALSE(rec("dot.fp16.fp32acc.sequential").lower_limited);
}

TEST_F(RangeStudy, SectionHasOneRecordPerKernelAndReadablePlots) {
  const Section s = range_section(*result_);
  EXPECT_EQ(s.key, "range");
  ASSERT_FALSE(s.records.empty());
  ASSERT_EQ(s.records.size(), result_->records.size());
  for (const auto& j : s.records) {
    EXPECT_TRUE(j.contains("upper") && j.contains("lower") && j.contains("cliffs") &&
                j.contains("points"));
    EXPECT_FALSE(j["points"].empty());
  }
  const std::regex id("[a-z0-9_-]+");
  ASSERT_FALSE(s.plots.empty());
  for (const Plot& p : s.plots) {
    EXPECT_TRUE(std::regex_match(p.id, id)) << p.id;
    EXPECT_LE(p.series.size(), 12u) << p.id;
    EXPECT_FALSE(p.xlabel.empty() || p.ylabel.empty());
    for (const Series& se : p.series) EXPECT_FALSE(se.label.empty());
  }
  // The nomax kernel's finding names the cliff it breaks at.
  bool named = false;
  for (const std::string& f : s.findings)
    named = named || (f.find("softmax.fp16.fp32acc.nomax breaks above") != std::string::npos &&
                      f.find("fp16 exp overflow") != std::string::npos);
  EXPECT_TRUE(named);
}

}  // namespace
}  // namespace numguard::studies
