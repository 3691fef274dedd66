// Renders a study's Plot as a standalone SVG with gnuplot (Debian's gnuplot-nox, run as a
// child process on a generated script with the data inline): a real plotting tool for axes,
// log scales, tics and legends rather than a home-made one.
#pragma once

#include <stdexcept>
#include <string>

#include "harness/studies/section.h"

namespace numguard::report {

struct PlotError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The gnuplot script for a plot, writing its SVG to `svg_path` (exposed for tests).
std::string gnuplot_script(const studies::Plot& p, const std::string& svg_path);

// The SVG document (without the XML prolog), its element ids prefixed with the plot id so
// that many plots can share one HTML page. Throws PlotError when gnuplot is missing or fails.
std::string render_svg(const studies::Plot& p);

}  // namespace numguard::report
