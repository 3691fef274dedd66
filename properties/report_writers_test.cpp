// The report's renderings and its folder: plots become SVG through gnuplot with readable
// labels, the HTML is self-contained, and the folder is replaced in one step or not at all.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "harness/report/html_report.h"
#include "harness/report/json_report.h"
#include "harness/report/markdown_report.h"
#include "harness/report/report_dir.h"
#include "harness/report/svg_plot.h"

namespace fs = std::filesystem;
using namespace numguard;
using namespace numguard::report;

namespace {

studies::Plot sample_plot() {
  studies::Plot p;
  p.id = "acc-sum-fp16";
  p.title = "sum, fp16 inputs, all ones";
  p.xlabel = "reduction length n";
  p.ylabel = "relative error |y_hat - y| / |y|";
  p.logx = p.logy = true;
  p.series.push_back({"sum.fp16.fp16acc.sequential", {16, 256, 4096}, {1e-4, 0.0, 0.5}});
  p.series.push_back(
      {"deterministic bound", {16, 256, 4096}, {1e-2, 0.2, NAN}, studies::LineStyle::dashed, 0});
  return p;
}

Report sample_report() {
  Report r;
  r.meta.version = "test";
  studies::Section s;
  s.key = "accumulation";
  s.title = "Accumulation error";
  s.intro = {"Error <against> n & more."};
  s.findings = {"a finding"};
  s.tables.push_back({"summary", {"kernel", "max"}, {{"sum|x", "1e-3"}}});
  s.plots.push_back(sample_plot());
  s.records.push_back({{"kernel", "sum.fp16.fp16acc.sequential"}});
  r.sections.push_back(s);
  return r;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

fs::path fresh_dir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("numguard-report-test-" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

}  // namespace

TEST(SvgPlot, LabelsTitleAndLegendReachTheSvg) {
  const std::string svg = render_svg(sample_plot());
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("reduction length n"), std::string::npos);
  EXPECT_NE(svg.find("sum.fp16.fp16acc.sequential"), std::string::npos);  // noenhanced: '_' kept
  EXPECT_NE(svg.find("deterministic bound"), std::string::npos);
}

TEST(SvgPlot, EveryIdIsPrefixedWithThePlotId) {
  const std::string svg = render_svg(sample_plot());
  const std::regex id(R"(id=['"]([^'"]*)['"])");
  int ids = 0;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), id); it != std::sregex_iterator();
       ++it, ++ids)
    EXPECT_EQ((*it)[1].str().rfind("acc-sum-fp16-", 0), 0u) << (*it)[1].str();
  EXPECT_GT(ids, 0);
}

TEST(SvgPlot, ZeroAndNanPointsAreLeftOutOfLogAxes) {
  const std::string script = gnuplot_script(sample_plot(), "/dev/null");
  EXPECT_EQ(script.find(" 0\n"), std::string::npos);  // y = 0 on a log axis
  EXPECT_EQ(script.find("nan"), std::string::npos);
}

TEST(SvgPlot, APlotWithoutDataStillRenders) {
  studies::Plot p = sample_plot();
  for (auto& s : p.series) s.y.assign(s.y.size(), 0.0);
  EXPECT_NE(render_svg(p).find("no finite data"), std::string::npos);
}

TEST(SvgPlot, AFixedYRangeFromZeroIsDroppedOnALogAxis) {
  studies::Plot p = sample_plot();
  p.ymin = 0;  // meaningless on a log axis: gnuplot would fail on it
  EXPECT_EQ(gnuplot_script(p, "/dev/null").find("set yrange"), std::string::npos);
  EXPECT_NE(render_svg(p).find("<svg"), std::string::npos);
  p.logy = false;
  p.ymax = 1;
  EXPECT_NE(gnuplot_script(p, "/dev/null").find("set yrange [0:1]"), std::string::npos);
}

TEST(HtmlReport, SelfContainedWithEveryPlotInline) {
  const Report r = sample_report();
  const std::string html = report_html(r, {{"acc-sum-fp16", render_svg(sample_plot())}});
  EXPECT_NE(html.find("<figure id=\"plot-acc-sum-fp16\">\n<svg"), std::string::npos);
  EXPECT_FALSE(std::regex_search(html, std::regex(R"((src|href)="https?://)")));
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("Error &lt;against&gt; n &amp; more."), std::string::npos);
  EXPECT_NE(html.find("<section id=\"accumulation\">"), std::string::npos);
}

TEST(MarkdownReport, TablesEscapePipesAndPlotsLinkTheirSvgFiles) {
  const std::string md = report_markdown(sample_report());
  EXPECT_NE(md.find("| sum\\|x | 1e-3 |"), std::string::npos);
  EXPECT_NE(md.find("](plots/acc-sum-fp16.svg)"), std::string::npos);
}

TEST(JsonReport, RecordsSitUnderTheSectionKey) {
  const nlohmann::json j = report_json(sample_report());
  EXPECT_EQ(j["accumulation"][0]["kernel"], "sum.fp16.fp16acc.sequential");
  EXPECT_EQ(j["meta"]["sections"][0]["plots"][0], "acc-sum-fp16");
  EXPECT_EQ(j["meta"]["schema_version"], kReportSchemaVersion);
}

TEST(ReportDir, ReplacesAPreviousReportAndLeavesNoStaging) {
  const fs::path base = fresh_dir("replace");
  const fs::path out = base / "r";
  write_report_dir(out.string(), {{"report.json", "{\"v\":1}"}, {"plots/a.svg", "<svg/>"}});
  write_report_dir(out.string(), {{"report.json", "{\"v\":2}"}});
  EXPECT_EQ(slurp(out / "report.json"), "{\"v\":2}");
  EXPECT_FALSE(fs::exists(out / "plots"));  // the whole folder was replaced
  EXPECT_EQ(std::distance(fs::directory_iterator(base), fs::directory_iterator()), 1);
}

TEST(ReportDir, AFailedWriteKeepsThePreviousReport) {
  const fs::path base = fresh_dir("fail");
  const fs::path out = base / "r";
  write_report_dir(out.string(), {{"report.json", "{\"v\":1}"}});
  // The same file twice: the second create fails (O_EXCL) after the first was written.
  EXPECT_THROW(write_report_dir(out.string(), {{"report.json", "a"}, {"report.json", "b"}}),
               std::runtime_error);
  EXPECT_EQ(slurp(out / "report.json"), "{\"v\":1}");
  EXPECT_EQ(std::distance(fs::directory_iterator(base), fs::directory_iterator()), 1);
}

TEST(ReportDir, RefusesFoldersThatAreNotReports) {
  const fs::path base = fresh_dir("refuse");
  std::ofstream(base / "notes.txt") << "keep me";
  EXPECT_NE(report_dir_problem(base.string()), "");
  EXPECT_THROW(write_report_dir(base.string(), {{"report.json", "{}"}}), std::runtime_error);
  EXPECT_TRUE(fs::exists(base / "notes.txt"));
  EXPECT_NE(report_dir_problem((base / "notes.txt").string()), "");
  EXPECT_NE(report_dir_problem("/nonexistent-parent/r"), "");
  EXPECT_EQ(report_dir_problem((base / "new").string()), "");
}
