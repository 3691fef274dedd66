// What a study hands to the report writers: its JSON records plus the text, tables and plots
// the Markdown and HTML renderings show. Studies fill it; harness/report/ renders it, so a study
// never formats HTML and a writer never recomputes a number.
#pragma once

#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace numguard::studies {

enum class LineStyle { solid, dashed, dotted, points };

struct Series {
  std::string label;
  std::vector<double> x, y;  // same length; NaN or inf y values are left out of the plot
  LineStyle style = LineStyle::solid;
  int color = -1;  // index into the palette; -1: the series' position in the plot
};

struct Plot {
  std::string id;  // unique in the report, [a-z0-9_-] (file names, HTML anchors)
  std::string title;
  std::string xlabel, ylabel;  // with units, e.g. "reduction length n", "relative error"
  bool logx = false, logy = false;
  std::vector<Series> series;
  // A fixed y range (NaN: gnuplot's autoscale), e.g. [0, 1] for fractions, so that a curve of
  // zeros reads as 0 rather than the middle of an autoscaled [-1, 1].
  double ymin = std::numeric_limits<double>::quiet_NaN();
  double ymax = std::numeric_limits<double>::quiet_NaN();
};

struct Table {
  std::string title;
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;  // each as long as columns
};

struct Section {
  std::string key;    // "accumulation", "range", "gradients", "tradeoffs": the JSON key
  std::string title;  // heading in report.md and index.html
  std::vector<std::string> intro;     // plain-text paragraphs: what was measured, units, method
  std::vector<std::string> findings;  // one computed sentence each (never typed-in numbers)
  std::vector<Table> tables;
  std::vector<Plot> plots;
  nlohmann::json records = nlohmann::json::array();  // docs/report-schema.md
};

}  // namespace numguard::studies
