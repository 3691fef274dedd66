// report.md: each section's text, findings and tables, with its plots linked as the SVG files
// written beside it (plots/<id>.svg), so the Markdown reads on its own and renders on GitHub.
#pragma once

#include <string>

#include "harness/report/report.h"

namespace numguard::report {

std::string report_markdown(const Report& r);

}  // namespace numguard::report
