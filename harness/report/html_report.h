// index.html: one self-contained page (CSS inline, every plot an inline SVG, no script and no
// network resource). index.html#<section> shows that section alone (CSS :target), which is
// also how docs/ takes one screenshot per section.
#pragma once

#include <map>
#include <string>

#include "harness/report/report.h"

namespace numguard::report {

// svgs: plot id -> the SVG document (render_svg).
std::string report_html(const Report& r, const std::map<std::string, std::string>& svgs);

}  // namespace numguard::report
