#include "harness/report/html_report.h"

#include <fmt/format.h>

#include "harness/report/text_escape.h"

namespace numguard::report {
namespace {

constexpr const char* kStyle = R"(
body { font-family: Helvetica, Arial, sans-serif; margin: 0 auto; max-width: 1180px;
       padding: 16px 28px; color: #222; line-height: 1.45; }
h1 { margin-bottom: 4px; } h2 { border-bottom: 2px solid #1f77b4; padding-bottom: 4px;
     margin-top: 36px; }
.meta { color: #555; font-size: 14px; }
nav a { margin-right: 18px; }
ul.findings li { margin: 3px 0; }
.table-wrap { max-height: 460px; overflow: auto; border: 1px solid #ddd; margin: 10px 0 18px; }
table { border-collapse: collapse; font-size: 13px; width: 100%; }
th, td { padding: 3px 8px; border-bottom: 1px solid #eee; text-align: left; white-space: nowrap; }
th { background: #f3f6fa; position: sticky; top: 0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 14px 0 24px; } figure svg { width: 100%; height: auto; max-width: 1000px; }
figcaption { font-size: 13px; color: #555; }
code { background: #f3f3f3; padding: 1px 4px; }
details { margin: 6px 0 10px; } summary { cursor: pointer; color: #1f77b4; }
/* index.html#range: that section alone */
body:has(section:target) section:not(:target) { display: none; }
)";

constexpr size_t kShownParagraphs = 3, kShownFindings = 10;

bool numeric(const std::string& s) {
  if (s.empty()) return false;
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  return end && *end == '\0';
}

std::string table_html(const studies::Table& t) {
  std::string s;
  if (!t.title.empty()) s += "<h3>" + html_escape(t.title) + "</h3>\n";
  s += "<div class=\"table-wrap\"><table>\n<thead><tr>";
  for (const std::string& c : t.columns) s += "<th>" + html_escape(c) + "</th>";
  s += "</tr></thead>\n<tbody>\n";
  for (const auto& row : t.rows) {
    s += "<tr>";
    for (size_t i = 0; i < t.columns.size(); ++i) {
      const std::string cell = i < row.size() ? row[i] : "";
      s += numeric(cell) ? "<td class=\"num\">" : "<td>";
      s += html_escape(cell) + "</td>";
    }
    s += "</tr>\n";
  }
  return s + "</tbody></table></div>\n";
}

}  // namespace

std::string report_html(const Report& r, const std::map<std::string, std::string>& svgs) {
  std::string s = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  s += "<title>numguard report</title>\n<style>" + std::string(kStyle) + "</style>\n</head>\n";
  s += "<body>\n<h1>numguard report</h1>\n";
  s += fmt::format(
      "<p class=\"meta\">numguard {} &middot; created {} &middot; {} &middot; seed {} &middot; "
      "kernels <code>{}</code> ({} CPU kernels) &middot; studies took {:.1f} s</p>\n",
      html_escape(r.meta.version), html_escape(r.meta.created),
      r.meta.quick ? "quick sweeps (--quick)" : "full sweeps", r.meta.seed,
      html_escape(r.meta.kernels), r.meta.kernel_count, r.meta.seconds);
  s += "<nav>";
  for (const studies::Section& sec : r.sections)
    s += fmt::format("<a href=\"#{}\">{}</a>", sec.key, html_escape(sec.title));
  s += "<a href=\"#\">all sections</a></nav>\n";
  for (const studies::Section& sec : r.sections) {
    s += fmt::format("<section id=\"{}\">\n<h2>{}</h2>\n", sec.key, html_escape(sec.title));
    // Long method notes and finding lists fold away, so that the plots stay near the top.
    for (size_t i = 0; i < sec.intro.size(); ++i) {
      if (i == kShownParagraphs)
        s += fmt::format("<details><summary>Method details ({} more paragraphs)</summary>\n",
                         sec.intro.size() - i);
      s += "<p>" + html_escape(sec.intro[i]) + "</p>\n";
    }
    if (sec.intro.size() > kShownParagraphs) s += "</details>\n";
    if (!sec.findings.empty()) {
      s += "<h3>Findings</h3>\n<ul class=\"findings\">\n";
      for (size_t i = 0; i < sec.findings.size(); ++i) {
        if (i == kShownFindings)
          s += fmt::format(
              "</ul>\n<details><summary>{} more findings</summary>\n<ul "
              "class=\"findings\">\n",
              sec.findings.size() - i);
        s += "<li>" + html_escape(sec.findings[i]) + "</li>\n";
      }
      s += sec.findings.size() > kShownFindings ? "</ul>\n</details>\n" : "</ul>\n";
    }
    for (const studies::Plot& p : sec.plots) {
      const auto it = svgs.find(p.id);
      s += fmt::format("<figure id=\"plot-{}\">\n", p.id);
      s += it != svgs.end() ? it->second : "<p>(plot not rendered)</p>";
      s += "\n<figcaption>" + html_escape(p.title) + "</figcaption>\n</figure>\n";
    }
    for (const studies::Table& t : sec.tables) s += table_html(t);
    s += "</section>\n";
  }
  s += "</body>\n</html>\n";
  return s;
}

}  // namespace numguard::report
