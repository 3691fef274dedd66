// Escaping for the two text renderings of a report.
#pragma once

#include <string>

namespace numguard::report {

// &, <, >, " and ' as HTML entities.
std::string html_escape(const std::string& s);
// A Markdown table cell: '|' escaped, newlines as spaces.
std::string markdown_cell(const std::string& s);

}  // namespace numguard::report
