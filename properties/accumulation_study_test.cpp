// Section 1 of `numguard report` (accumulation error), issue 6: the stagnation lengths found by
// the sweep, errors within the derived bounds, and growth that follows the summation order.
// One quick run over a few kernels; each claim is one line with its source.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <regex>

#include <gtest/gtest.h>

#include "harness/engine/registry.h"
#include "harness/studies/accumulation.h"

namespace numguard::studies {
namespace {

const char* const kKernels[] = {"sum.fp16.fp16acc.sequential", "sum.fp16.fp16acc.pairwise",
                                "sum.bf16.bf16acc.sequential", "sum.fp16.fp32acc.sequential",
                                "dot.fp16.fp16acc.sequential", "dot.bf16.fp32acc.blocked32",
                                "gemm.fp16.tc-hopper",         "softmax.fp16.fp32acc.twopass"};

struct Run {
  AccumulationResult result;
  Section section;
  double seconds = 0;
};

const Run& run() {
  static const Run r = [] {
    StudyOptions opt;
    opt.quick = true;
    for (const char* name : kKernels) {
      const KernelDesc* k = find_kernel(name);
      if (!k) throw std::runtime_error(std::string("kernel not registered: ") + name);
      opt.kernels.push_back(k);
    }
    Run out;
    const auto t0 = std::chrono::steady_clock::now();
    out.result = run_accumulation(opt);
    out.section = accumulation_section(out.result);
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return out;
  }();
  return r;
}

const AccumulationCurve& curve(const std::string& kernel, const std::string& dist) {
  const AccumulationCurve* c = run().result.find(kernel, dist);
  if (!c) throw std::runtime_error("no curve " + kernel + " / " + dist);
  return *c;
}

TEST(AccumulationStudy, StagnationLengthsAreFound) {
  // docs/REFERENCE.md: summing ones stagnates at 2048 in fp16 and at 256 in bf16 (2^p: the first
  // integer whose successor is a tie that rounds back to it).
  const AccumulationCurve& fp16 = curve("sum.fp16.fp16acc.sequential", "ones");
  ASSERT_TRUE(fp16.stagnation_n.has_value());
  EXPECT_EQ(*fp16.stagnation_n, 2048);
  EXPECT_EQ(fp16.stagnation_value, 2048);
  const AccumulationCurve& bf16 = curve("sum.bf16.bf16acc.sequential", "ones");
  ASSERT_TRUE(bf16.stagnation_n.has_value());
  EXPECT_EQ(*bf16.stagnation_n, 256);
  EXPECT_EQ(bf16.stagnation_value, 256);
  // The same accumulator behind a dot of ones (products exactly 1).
  EXPECT_EQ(curve("dot.fp16.fp16acc.sequential", "ones").stagnation_n.value_or(0), 2048);
  // fp32 accumulation stalls only at 2^24, far beyond the quick sweep's 2^14.
  EXPECT_FALSE(curve("sum.fp16.fp32acc.sequential", "ones").stagnation_n.has_value());
  EXPECT_EQ(curve("sum.fp16.fp32acc.sequential", "ones").points.back().n, 16384);
  // Pairwise summation of ones is exact at every power of two: it never stalls.
  EXPECT_FALSE(curve("sum.fp16.fp16acc.pairwise", "ones").stagnation_n.has_value());
  // uniform[0,1] terms (mean 1/2) stall once the fp16 sum passes 2048 (spacing 2 > 2 x term):
  // near n = 4096, certainly between 2048 and 8192.
  const AccumulationCurve& u = curve("sum.fp16.fp16acc.sequential", "uniform01");
  ASSERT_TRUE(u.stagnation_n.has_value());
  EXPECT_GT(*u.stagnation_n, 2048);
  EXPECT_LT(*u.stagnation_n, 8192);
  EXPECT_GE(u.stagnation_value, 2048);
}

TEST(AccumulationStudy, CorrectKernelsStayWithinTheirBounds) {
  // docs/DESIGN.md principle 1: the derived bound holds for every correct kernel, so no measured
  // error inside the promised domain exceeds it, at any n or distribution.
  int64_t compared = 0;
  for (const AccumulationCurve& c : run().result.curves) {
    ASSERT_FALSE(c.mutant);
    for (const AccumulationPoint& p : c.points) {
      EXPECT_EQ(p.violations, 0) << c.kernel << " " << c.distribution << " n=" << p.n;
      EXPECT_LE(p.max_bound_ratio, 1.0) << c.kernel << " " << c.distribution << " n=" << p.n;
      EXPECT_EQ(p.kernel_errors, 0) << c.kernel;
      if (p.samples > p.skipped_domain) ++compared;
    }
  }
  EXPECT_GT(compared, 200);  // the claim is about real comparisons, not skipped points
}

TEST(AccumulationStudy, GrowthFollowsTheSummationOrder) {
  // Higham 4.2 / 4.3: recursive summation's error grows like n (and stalls), pairwise like
  // log n; so the fitted exponent of the sequential fp16 sum exceeds its pairwise twin's.
  const double seq = curve("sum.fp16.fp16acc.sequential", "uniform01").growth_exponent;
  const double pair = curve("sum.fp16.fp16acc.pairwise", "uniform01").growth_exponent;
  std::printf("growth exponents (uniform01): sequential %.3f, pairwise %.3f\n", seq, pair);
  EXPECT_GT(seq, pair + 0.25);
  // Past stagnation the sequential fp16 sum loses more than half the value (n = 16384: the
  // computed sum stays near 2048-4096 of an exact ~8192).
  EXPECT_GT(curve("sum.fp16.fp16acc.sequential", "uniform01").points.back().max_rel, 0.5);
  // With fp32 accumulation and an fp32 output the relative error stays below sqrt(n) u_acc
  // times 5 (Higham & Mary's lambda) at every n.
  ASSERT_FALSE(curve("sum.fp16.fp32acc.sequential", "uniform01").points.empty());
  for (const AccumulationPoint& p : curve("sum.fp16.fp32acc.sequential", "uniform01").points)
    EXPECT_LE(p.max_rel, 5 * p.sqrt_n_u) << "n=" << p.n;
}

TEST(AccumulationStudy, SectionRecordsFindingsAndPlots) {
  const Section& s = run().section;
  EXPECT_EQ(s.key, "accumulation");
  EXPECT_EQ(s.records.size(), run().result.curves.size());
  bool stagnation_record = false;
  for (const auto& rec : s.records)
    if (rec["kernel"] == "sum.fp16.fp16acc.sequential" && rec["distribution"] == "ones")
      stagnation_record = rec["stagnation"]["n"] == 2048 && rec["stagnation"]["value"] == 2048.0;
  EXPECT_TRUE(stagnation_record);
  bool sentence = false;
  for (const std::string& f : s.findings)
    sentence =
        sentence ||
        f.rfind("sum.fp16.fp16acc.sequential: the sum of ones stagnates at n = 2048", 0) == 0;
  EXPECT_TRUE(sentence);
  ASSERT_FALSE(s.plots.empty());
  const std::regex id("[a-z0-9_-]+");
  for (const Plot& p : s.plots) {
    EXPECT_TRUE(std::regex_match(p.id, id)) << p.id;
    EXPECT_LE(p.series.size(), 12u) << p.id;
    EXPECT_TRUE(p.logx && p.logy);
    for (const Series& se : p.series) EXPECT_EQ(se.x.size(), se.y.size());
  }
  std::printf("accumulation study, %zu kernels, quick: %.1f s\n", std::size(kKernels),
              run().seconds);
}

TEST(AccumulationStudy, AMutantIsCaughtByItsBound) {
  // mutant.gemm.fp16.fp16_accumulation declares fp32 accumulation and accumulates in fp16
  // (kernels_under_test/mutants): its errors exceed the fp32 bound, and its sum of ones stalls
  // at fp16's 2048 although the declared recipe would not stall before 2^24.
  StudyOptions opt;
  opt.quick = true;
  const KernelDesc* k = find_kernel("mutant.gemm.fp16.fp16_accumulation");
  ASSERT_NE(k, nullptr);
  ASSERT_EQ(k->recipe.acc, Format::fp32);
  opt.kernels = {k};
  const AccumulationResult r = run_accumulation(opt);
  int64_t violations = 0;
  for (const AccumulationCurve& c : r.curves)
    for (const AccumulationPoint& p : c.points) violations += p.violations;
  EXPECT_GT(violations, 0);
  const AccumulationCurve* ones = r.find(k->name, "ones");
  ASSERT_NE(ones, nullptr);
  EXPECT_EQ(ones->stagnation_n.value_or(0), 2048);
  const Section s = accumulation_section(r);
  bool sentence = false;
  for (const std::string& f : s.findings)
    sentence = sentence || f.find("(mutant): ") != std::string::npos;
  EXPECT_TRUE(sentence);
}

}  // namespace
}  // namespace numguard::studies
