// Section 4 (precision tradeoffs): the kernel lineups the rule picks, a small real run over
// dot and softmax on identical inputs, and hand-made section 1 and 2 results to check that
// the entries and the recommendation use them.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <regex>

#include "harness/engine/registry.h"
#include "harness/studies/tradeoff_selection.h"
#include "harness/studies/tradeoffs.h"

namespace numguard::studies {
namespace {

std::vector<std::string> names(const std::vector<const KernelDesc*>& ks) {
  std::vector<std::string> out;
  for (const KernelDesc* k : ks) out.push_back(k->name);
  return out;
}

const TradeoffLineup* lineup(const std::vector<TradeoffLineup>& ls, const std::string& op) {
  for (const TradeoffLineup& l : ls)
    if (l.op == op) return &l;
  return nullptr;
}

const TradeoffOp& op_of(const TradeoffResult& r, const std::string& op) {
  for (const TradeoffOp& o : r.ops)
    if (o.op == op) return o;
  throw std::runtime_error("no op " + op);
}

const TradeoffEntry& entry(const TradeoffOp& op, const std::string& precision) {
  for (const TradeoffEntry& e : op.entries)
    if (e.precision == precision) return e;
  throw std::runtime_error("no " + precision + " entry for " + op.op);
}

double normal_bits(const TradeoffEntry& e) {
  for (const TradeoffStats& s : e.by_distribution)
    if (s.distribution == "normal") return s.bits;
  return std::nan("");
}

StudyOptions small_options() {
  StudyOptions opt;
  opt.quick = true;
  opt.seed = 1;
  opt.threads = 2;
  opt.kernels = select_kernels("dot.*,softmax.*", false);
  return opt;
}

// One real quick run over dot and softmax, shared by the tests (about a second).
const TradeoffResult& small_run() {
  static const TradeoffResult r = run_tradeoffs(small_options(), {}, {});
  return r;
}

TEST(TradeoffsStudy, TheRulePicksOneKernelPerPrecisionWithTheSameAlgorithm) {
  const std::vector<TradeoffLineup> ls = tradeoff_lineups(select_kernels("*", false));
  // dot: sequential is the one algorithm every precision has and the simplest order.
  ASSERT_TRUE(lineup(ls, "dot"));
  EXPECT_EQ(
      names(lineup(ls, "dot")->kernels),
      (std::vector<std::string>{"dot.fp16.fp32acc.sequential", "dot.bf16.fp32acc.sequential",
                                "dot.tf32.fp32acc.sequential", "dot.fp32.fp32acc.sequential"}));
  // softmax and layernorm: two-pass before online / Welford; no tf32 kernels exist for them.
  EXPECT_EQ(
      names(lineup(ls, "softmax")->kernels),
      (std::vector<std::string>{"softmax.fp16.fp32acc.twopass", "softmax.bf16.fp32acc.twopass",
                                "softmax.fp32.fp32acc.twopass"}));
  EXPECT_EQ(lineup(ls, "layernorm")->algorithm, "twopass");
  EXPECT_EQ(lineup(ls, "attention")->algorithm, "naive");
  for (const TradeoffLineup& l : ls)
    for (const KernelDesc* k : l.kernels) {
      EXPECT_FALSE(k->mutant) << k->name;
      EXPECT_EQ(k->recipe.acc, Format::fp32) << k->name;
      EXPECT_EQ(k->name, l.op + "." + std::string(name(k->recipe.in)) + ".fp32acc." + l.algorithm);
    }
  // Every op of issue 6 (section 4) with kernels is compared.
  for (const char* op :
       {"dot", "sum", "gemm", "softmax", "log_softmax", "cross_entropy", "layernorm", "rmsnorm",
        "layernorm_backward", "rmsnorm_backward", "gelu", "gelu_tanh", "silu", "silu_backward",
        "gelu_backward", "exp", "attention", "adam", "amax"})
    EXPECT_TRUE(lineup(ls, op)) << op;
  StudyOptions opt;
  opt.kernels = select_kernels("*", false);
  // Every lineup kernel, plus the storage-format-accumulating sibling of each fp16 / bf16 entry
  // where one is registered (sum, dot, gemm: sections 1 and 2 measure them for the stagnation).
  size_t total = 0;
  for (const TradeoffLineup& l : ls)
    for (const KernelDesc* k : l.kernels)
      total +=
          1 + (find_kernel(storage_acc_sibling(k->name, std::string(name(k->recipe.in)))) ? 1 : 0);
  EXPECT_EQ(tradeoff_kernels(opt).size(), total);
  EXPECT_EQ(storage_acc_sibling("sum.fp16.fp32acc.sequential", "fp16"),
            "sum.fp16.fp16acc.sequential");
  EXPECT_EQ(storage_acc_sibling("sum.fp32.fp32acc.sequential", "fp32"), "");
}

TEST(TradeoffsStudy, WiderFormatsGiveMoreBitsOnIdenticalInputs) {
  const TradeoffResult& r = small_run();
  ASSERT_EQ(r.ops.size(), 2u);
  for (const char* name : {"dot", "softmax"}) {
    const TradeoffOp& op = op_of(r, name);
    // Quick: 6000 elements, or 1536 cases for the one-output dot (>= 15 beyond the p99).
    EXPECT_GE(op.elements, 1536) << name;
    // fp32 keeps 24 significand bits, bf16 8: at least 10 more bits of accuracy.
    EXPECT_GT(entry(op, "fp32").bits, entry(op, "bf16").bits + 10) << name;
    // fp16 has 10 fraction bits to bf16's 7 (docs/REFERENCE.md): about 3 more on normal inputs.
    EXPECT_GT(normal_bits(entry(op, "fp16")), normal_bits(entry(op, "bf16")) + 2) << name;
    EXPECT_LT(entry(op, "fp16").p99_rel, entry(op, "bf16").p99_rel) << name;
  }
  // tf32 and fp16 both keep 11 significand bits and these inputs lie in fp16's normal range:
  // on the same inputs they make the same errors (to the few inputs below fp16's normals).
  const TradeoffOp& dot = op_of(r, "dot");
  EXPECT_NEAR(entry(dot, "tf32").median_rel / entry(dot, "fp16").median_rel, 1.0, 1e-3);
  EXPECT_NEAR(entry(dot, "tf32").p99_rel / entry(dot, "fp16").p99_rel, 1.0, 1e-3);
}

TEST(TradeoffsStudy, WithoutSectionOneAndTwoTheEntriesSayNotMeasured) {
  const TradeoffResult& r = small_run();
  size_t entries = 0;
  for (const TradeoffOp& op : r.ops)
    for (const TradeoffEntry& e : op.entries) {
      ++entries;
      EXPECT_FALSE(e.range_measured);
      EXPECT_FALSE(e.stagnation_measured);
      EXPECT_FALSE(e.safe_upper);
      EXPECT_FALSE(e.stagnation_n);
    }
  EXPECT_GE(entries, 7u);  // 4 dot + 3 softmax
  const Section s = tradeoffs_section(r);
  const Table* t = nullptr;
  for (const Table& x : s.tables)
    if (x.title == "Error per op and precision") t = &x;
  ASSERT_TRUE(t);
  ASSERT_EQ(t->rows.size(), 7u);  // 4 dot + 3 softmax entries
  for (const auto& row : t->rows) {
    EXPECT_EQ(row[10], "not measured");  // safe max abs(input)
    EXPECT_EQ(row[11], "not measured");  // stagnation
  }
}

TEST(TradeoffsStudy, EntriesTakeStagnationAndSafeRangeFromSectionsOneAndTwo) {
  AccumulationResult acc;
  AccumulationCurve c{.kernel = "dot.fp16.fp32acc.sequential",
                      .op = "dot",
                      .distribution = "ones",
                      .growth_exponent = 1.0,
                      .stagnation_n = 2048,
                      .stagnation_value = 2048};
  for (int64_t n = 16; n <= 16384; n *= 2) c.points.push_back({.n = n});
  acc.curves.push_back(c);
  AccumulationCurve none{.kernel = "dot.fp32.fp32acc.sequential",
                         .op = "dot",
                         .distribution = "ones",
                         .points = {{.n = 1 << 20}},
                         .growth_exponent = 1.0};
  acc.curves.push_back(none);
  RangeResult range;
  range.records.push_back({.kernel = "softmax.fp16.fp32acc.twopass",
                           .op = "softmax",
                           .upper = 2.0,
                           .lower = 0x1p-20,
                           .upper_limited = true});
  const TradeoffResult r = run_tradeoffs(small_options(), acc, range);
  const TradeoffEntry& d16 = entry(op_of(r, "dot"), "fp16");
  ASSERT_TRUE(d16.stagnation_measured);
  EXPECT_EQ(d16.stagnation_n, 2048);
  EXPECT_EQ(d16.stagnation_checked_to, 16384);
  // A sum of ones stalling at 2048 < 2^14 disqualifies the entry.
  ASSERT_FALSE(d16.fails.empty());
  EXPECT_NE(d16.fails.back().find("stalls at n = 2048"), std::string::npos);
  const TradeoffEntry& d32 = entry(op_of(r, "dot"), "fp32");
  EXPECT_TRUE(d32.stagnation_measured);
  EXPECT_FALSE(d32.stagnation_n);
  EXPECT_EQ(d32.stagnation_checked_to, 1 << 20);
  const TradeoffEntry& s16 = entry(op_of(r, "softmax"), "fp16");
  ASSERT_TRUE(s16.range_measured);
  EXPECT_EQ(s16.safe_upper, 2.0);
  EXPECT_EQ(s16.safe_lower, 0x1p-20);
  EXPECT_FALSE(entry(op_of(r, "softmax"), "bf16").range_measured);
  const Section s = tradeoffs_section(r);
  bool saw_none = false, saw_stall = false;
  for (const Table& t : s.tables)
    for (const auto& row : t.rows) {
      saw_none = saw_none || (row.size() > 11 && row[11] == "none up to 2^20");
      saw_stall = saw_stall || (row.size() > 11 && row[11].starts_with("n = 2048"));
    }
  EXPECT_TRUE(saw_none);
  EXPECT_TRUE(saw_stall);
}

TEST(TradeoffsStudy, TheRecommendationFollowsTheMeasuredRange) {
  TradeoffOp op = op_of(small_run(), "softmax");
  TradeoffRule rule;
  // A target fp16 meets and bf16 misses (their measured p99s' geometric mean).
  rule.target_p99_rel = std::sqrt(entry(op, "fp16").p99_rel * entry(op, "bf16").p99_rel);
  attach_studies(op, {}, {});
  recommend(op, rule);
  EXPECT_EQ(op.recommended, "fp16") << op.recommendation;
  EXPECT_TRUE(op.qualified);
  // fp16's safe range tiny (max abs(x) <= 2, below the span's 2^8): fp16 no longer qualifies.
  RangeResult range;
  range.records.push_back(
      {.kernel = "softmax.fp16.fp32acc.twopass", .op = "softmax", .upper = 2.0, .lower = 1e-3});
  attach_studies(op, {}, range);
  recommend(op, rule);
  EXPECT_EQ(op.recommended, "fp32") << op.recommendation;
  EXPECT_NE(op.recommendation.find("safe range ends at max abs(x) = 2 < 2^8"), std::string::npos)
      << op.recommendation;
  // An exp-like op, where fp32 itself is safe only to 88.7: the span narrows to 44.4, so
  // bf16's 88.7 qualifies and fp16's 11.09 does not; with any accuracy accepted, bf16 wins.
  range.records = {{.kernel = "softmax.fp16.fp32acc.twopass", .upper = 11.09, .lower = 1e-3},
                   {.kernel = "softmax.bf16.fp32acc.twopass", .upper = 88.7, .lower = 1e-3},
                   {.kernel = "softmax.fp32.fp32acc.twopass", .upper = 88.7, .lower = 1e-3}};
  rule.target_p99_rel = 1.0;
  attach_studies(op, {}, range);
  recommend(op, rule);
  EXPECT_EQ(op.recommended, "bf16") << op.recommendation;
}

TEST(TradeoffsStudy, SectionHasRecordsTablesAndLabeledPlots) {
  const Section s = tradeoffs_section(small_run());
  EXPECT_EQ(s.key, "tradeoffs");
  ASSERT_EQ(s.records.size(), 2u);
  for (const auto& rec : s.records) {
    EXPECT_FALSE(rec["recommendation"].get<std::string>().empty());
    EXPECT_TRUE(rec["entries"].is_array());
    EXPECT_FALSE(rec["entries"].empty());
    for (const auto& e : rec["entries"]) {
      EXPECT_TRUE(e.contains("median_rel") && e.contains("p99_rel") && e.contains("bits"));
      EXPECT_FALSE(e["safe_range"]["measured"].get<bool>());
    }
  }
  EXPECT_EQ(s.findings.size(), 2u);
  ASSERT_FALSE(s.plots.empty());
  for (const Plot& p : s.plots) {
    EXPECT_TRUE(std::regex_match(p.id, std::regex("[a-z0-9_-]+"))) << p.id;
    EXPECT_FALSE(p.xlabel.empty());
    EXPECT_FALSE(p.ylabel.empty());
    EXPECT_LE(p.series.size(), 12u);
    for (const Series& sr : p.series) EXPECT_FALSE(sr.label.empty());
  }
}

}  // namespace
}  // namespace numguard::studies
