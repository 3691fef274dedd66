#include "harness/report/markdown_report.h"

#include <fmt/format.h>

#include "harness/report/text_escape.h"

namespace numguard::report {
namespace {

std::string table_markdown(const studies::Table& t) {
  std::string s;
  if (!t.title.empty()) s += fmt::format("**{}**\n\n", t.title);
  s += "|";
  for (const std::string& c : t.columns) s += fmt::format(" {} |", markdown_cell(c));
  s += "\n|";
  for (size_t i = 0; i < t.columns.size(); ++i) s += " --- |";
  s += "\n";
  for (const auto& row : t.rows) {
    s += "|";
    for (size_t i = 0; i < t.columns.size(); ++i)
      s += fmt::format(" {} |", markdown_cell(i < row.size() ? row[i] : ""));
    s += "\n";
  }
  return s + "\n";
}

}  // namespace

std::string report_markdown(const Report& r) {
  std::string s = "# numguard report\n\n";
  s += fmt::format(
      "numguard {} · created {} · {} · seed {} · kernels `{}` ({} CPU kernels) · studies "
      "took {:.1f} s\n\n",
      r.meta.version, r.meta.created, r.meta.quick ? "quick sweeps (--quick)" : "full sweeps",
      r.meta.seed, r.meta.kernels, r.meta.kernel_count, r.meta.seconds);
  s += "Open index.html for the same report with the plots inline; report.json holds every "
       "number (docs/report-schema.md).\n\n";
  for (const studies::Section& sec : r.sections) {
    s += fmt::format("## {}\n\n", sec.title);
    for (const std::string& p : sec.intro) s += fmt::format("{}\n\n", p);
    if (!sec.findings.empty()) {
      s += "### Findings\n\n";
      for (const std::string& f : sec.findings) s += fmt::format("- {}\n", f);
      s += "\n";
    }
    for (const studies::Table& t : sec.tables) s += table_markdown(t);
    if (!sec.plots.empty()) {
      s += "### Plots\n\n";
      for (const studies::Plot& p : sec.plots)
        s += fmt::format("![{}](plots/{}.svg)\n\n", markdown_cell(p.title), p.id);
    }
  }
  return s;
}

}  // namespace numguard::report
