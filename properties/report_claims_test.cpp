// Claims of issue 6 checked in the report.json and index.html that a small `numguard report
// --quick` run wrote (the ctest fixture report_small_run; NUMGUARD_REPORT_DIR names its folder).
// Every number here was found by a sweep; the expected values come from docs/REFERENCE.md's facts.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

using nlohmann::json;

namespace {

std::string report_dir() {
  const char* d = std::getenv("NUMGUARD_REPORT_DIR");
  return d ? d : "";
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const json& report() {
  static const json r = [] {
    const std::string text = slurp(report_dir() + "/report.json");
    return text.empty() ? json::object() : json::parse(text);
  }();
  return r;
}

const std::string& index_html() {
  static const std::string h = slurp(report_dir() + "/index.html");
  return h;
}

// The record of `section` whose fields match every (key, value) given.
json find(const std::string& section, const json& match) {
  for (const json& rec : report().value(section, json::array())) {
    bool all = true;
    for (auto it = match.begin(); it != match.end(); ++it)
      all = all && rec.contains(it.key()) && rec[it.key()] == it.value();
    if (all) return rec;
  }
  ADD_FAILURE() << "no " << section << " record matches " << match.dump();
  return json::object();
}

// The n at which the sum of ones stops changing; null when the sweep found none.
json stagnation_n(const std::string& kernel) {
  const json s = find("accumulation", {{"kernel", kernel}, {"distribution", "ones"}})
                     .value("stagnation", json::object());
  return s.is_object() ? s.value("n", json()) : json();
}

double mean_underflow(const std::string& scaling) {
  const json run = find("gradients", {{"precision", "fp16"},
                                      {"residual", "plain"},
                                      {"norm", "none"},
                                      {"activation", "gelu"},
                                      {"scaling", scaling}});
  double sum = 0;
  for (const json& f : run.value("underflow_fraction", json::array())) sum += f.get<double>();
  return sum / std::max<size_t>(1, run.value("underflow_fraction", json::array()).size());
}

}  // namespace

TEST(ReportClaims, TheSmallRunWroteAReport) {
  ASSERT_FALSE(report_dir().empty()) << "set NUMGUARD_REPORT_DIR (ctest does)";
  ASSERT_TRUE(report().contains("meta")) << report_dir() << "/report.json";
}

TEST(ReportClaims, EverySectionIsPresentAndHasRecords) {
  for (const char* s : {"accumulation", "range", "gradients", "tradeoffs"})
    EXPECT_FALSE(report().value(s, json::array()).empty()) << s;
}

TEST(ReportClaims, EveryPlotIsEmbeddedInTheHtmlAndWrittenBesideIt) {
  const json sections = report().value("meta", json::object()).value("sections", json::array());
  ASSERT_FALSE(sections.empty()) << report_dir() << "/report.json";
  for (const json& s : sections) {
    EXPECT_FALSE(s["plots"].empty()) << s["key"];  // every section plots something
    for (const json& id : s["plots"]) {
      const std::string name = id.get<std::string>();
      EXPECT_NE(index_html().find("<figure id=\"plot-" + name + "\">\n<svg"), std::string::npos)
          << name;
      // A plot with data has gnuplot paths; the renderer's empty-plot text means none.
      const std::string svg = slurp(report_dir() + "/plots/" + name + ".svg");
      EXPECT_NE(svg.find("<path"), std::string::npos) << name;
      EXPECT_EQ(svg.find("no finite data to plot"), std::string::npos) << name;
    }
  }
  EXPECT_FALSE(std::regex_search(index_html(), std::regex(R"((src|href)="https?://)")));
}

// docs/REFERENCE.md: summing ones stagnates at 2048 in fp16 and at 256 in bf16.
TEST(ReportClaims, Fp16AccumulatedSumOfOnesStagnatesAt2048) {
  EXPECT_EQ(stagnation_n("sum.fp16.fp16acc.sequential"), 2048);
}
TEST(ReportClaims, Bf16AccumulatedSumOfOnesStagnatesAt256) {
  EXPECT_EQ(stagnation_n("sum.bf16.bf16acc.sequential"), 256);
}
// fp32 accumulation stalls only at 2^24, beyond the quick sweep's 2^14.
TEST(ReportClaims, Fp32AccumulatedSumOfFp16OnesDoesNotStagnate) {
  EXPECT_TRUE(stagnation_n("sum.fp16.fp32acc.sequential").is_null());
}

// exp staged in fp16 overflows above ln(65520) = 11.0901 (docs/REFERENCE.md cliffs).
TEST(ReportClaims, NoMaxFp16SoftmaxBreaksBetween11_0And11_1) {
  const json upper = find("range", {{"kernel", "softmax.fp16.fp32acc.nomax"}})["upper"];
  ASSERT_TRUE(upper["value"].is_number()) << upper.dump();
  EXPECT_GT(upper["value"].get<double>(), 11.0);
  EXPECT_LT(upper["value"].get<double>(), 11.1);
  EXPECT_TRUE(upper["limited"].get<bool>());
}
// With the max subtracted the same fp16 softmax stays good up to the format's end.
TEST(ReportClaims, TwoPassFp16SoftmaxHasNoOverflowBoundary) {
  EXPECT_FALSE(
      find("range", {{"kernel", "softmax.fp16.fp32acc.twopass"}})["upper"]["limited"].get<bool>());
}

// Micikevicius et al. 2018: fp16 gradients underflow without loss scaling; scaling recovers.
TEST(ReportClaims, UnscaledFp16LosesGradientsInADeepPlainStack) {
  EXPECT_GT(mean_underflow("none"), 0.0);
}
TEST(ReportClaims, DynamicLossScalingLowersTheFp16UnderflowFraction) {
  EXPECT_LT(mean_underflow("dynamic"), mean_underflow("none"));
}

// The recommendation picks one of the measured precisions and names its kernel.
TEST(ReportClaims, EveryOpOfTheTradeoffsRecommendsOneOfItsEntries) {
  const json ops = report().value("tradeoffs", json::array());
  ASSERT_FALSE(ops.empty());
  for (const json& op : ops) {
    const std::string pick = op.value("recommended", ""), line = op.value("recommendation", "");
    std::string kernel;
    for (const json& e : op.value("entries", json::array()))
      if (e.value("precision", "") == pick) kernel = e.value("kernel", "");
    EXPECT_FALSE(kernel.empty()) << op.value("op", "") << ": " << pick;
    EXPECT_NE(line.find(kernel), std::string::npos) << line;
  }
}

// Section 4 carries section 1's stagnation: fp16 accumulation of the fp16 sum stalls at 2048.
TEST(ReportClaims, TradeoffsShowWhereAccumulatingInTheStorageFormatStalls) {
  const json sum = find("tradeoffs", {{"op", "sum"}});
  int fp16_entries = 0;
  for (const json& e : sum.value("entries", json::array())) {
    if (e.value("precision", "") != "fp16") continue;
    ++fp16_entries;
    EXPECT_EQ(e["stagnation"]["storage_accumulation"]["n"], 2048) << e.dump();
  }
  EXPECT_EQ(fp16_entries, 1);
}
