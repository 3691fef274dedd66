#include "harness/report/svg_plot.h"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

namespace numguard::report {
namespace {

// Twelve colours that stay distinct on white (Tableau 10 plus two).
constexpr const char* kPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                                    "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                                    "#bcbd22", "#17becf", "#000000", "#a05d00"};

std::string quoted(const std::string& s) {  // a gnuplot double-quoted string
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

bool plottable(const studies::Plot& p, double x, double y) {
  return std::isfinite(x) && std::isfinite(y) && !(p.logx && x <= 0) && !(p.logy && y <= 0);
}

std::string style_of(const studies::Series& s, size_t index) {
  const char* color = kPalette[(s.color >= 0 ? static_cast<size_t>(s.color) : index) % 12];
  switch (s.style) {
    case studies::LineStyle::dashed:
      return fmt::format("with lines lw 1.5 dt 2 lc rgb '{}'", color);
    case studies::LineStyle::dotted:
      return fmt::format("with lines lw 1.5 dt 3 lc rgb '{}'", color);
    case studies::LineStyle::points:
      return fmt::format("with points pt 7 ps 0.6 lc rgb '{}'", color);
    case studies::LineStyle::solid:
    default:
      return fmt::format("with linespoints lw 2 pt 7 ps 0.5 lc rgb '{}'", color);
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A temporary file that removes itself.
struct TempFile {
  std::string path;
  explicit TempFile(const char* suffix) {
    std::string tmpl = std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") +
                       "/numguard-plot-XXXXXX" + suffix;
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    const int fd = mkstemps(buf.data(), static_cast<int>(std::string(suffix).size()));
    if (fd < 0) throw PlotError("cannot create a temporary file in " + tmpl);
    close(fd);
    path = buf.data();
  }
  ~TempFile() { std::remove(path.c_str()); }
};

// Runs `gnuplot script` with its output on `log`; returns the exit status.
int run_gnuplot(const std::string& script, const std::string& log) {
  const pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    std::FILE* f = std::freopen(log.c_str(), "w", stderr);
    (void)f;
    std::FILE* o = std::freopen("/dev/null", "w", stdout);
    (void)o;
    execlp("gnuplot", "gnuplot", script.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

std::string gnuplot_script(const studies::Plot& p, const std::string& svg_path) {
  std::string s;
  s += "set terminal svg size 900,500 dynamic enhanced font 'Helvetica,12' background "
       "rgb 'white'\n";
  s += "set output " + quoted(svg_path) + "\n";
  s += "set encoding utf8\nset grid lc rgb '#dddddd'\n";
  s += "set key outside right top vertical Left reverse noenhanced font ',10' spacing 1.1\n";
  s += "set title " + quoted(p.title) + " noenhanced\n";
  s += "set xlabel " + quoted(p.xlabel) + " noenhanced\n";
  s += "set ylabel " + quoted(p.ylabel) + " noenhanced\n";
  if (p.logx) s += "set logscale x 10\nset format x '10^{%L}'\n";
  if (p.logy) s += "set logscale y 10\nset format y '10^{%L}'\n";
  // A fixed end of the y axis; none at or below 0 on a log axis.
  auto end = [&](double v) {
    return std::isfinite(v) && !(p.logy && v <= 0) ? fmt::format("{}", v) : std::string("*");
  };
  if (end(p.ymin) != "*" || end(p.ymax) != "*")
    s += fmt::format("set yrange [{}:{}]\n", end(p.ymin), end(p.ymax));
  std::vector<std::string> parts;
  for (size_t i = 0; i < p.series.size(); ++i) {
    const studies::Series& ser = p.series[i];
    std::string block = fmt::format("$d{} << EOD\n", i);
    int points = 0;
    for (size_t j = 0; j < ser.x.size() && j < ser.y.size(); ++j)
      if (plottable(p, ser.x[j], ser.y[j])) {
        block += fmt::format("{:.17g} {:.17g}\n", ser.x[j], ser.y[j]);
        ++points;
      }
    block += "EOD\n";
    if (points == 0) continue;  // nothing to draw: keep it out of the legend too
    s += block;
    parts.push_back(
        fmt::format("$d{} using 1:2 {} title {}", i, style_of(ser, i), quoted(ser.label)));
  }
  if (parts.empty()) {
    s += "unset key\nset xrange [0:1]\nset yrange [0:1]\nunset logscale\n";
    s += "set label 1 'no finite data to plot' at 0.5,0.5 center\nplot NaN notitle\n";
    return s;
  }
  s += "plot ";
  for (size_t i = 0; i < parts.size(); ++i) s += (i ? ", \\\n     " : "") + parts[i];
  s += "\n";
  return s;
}

std::string render_svg(const studies::Plot& p) {
  TempFile script(".gp"), svg(".svg"), log(".log");
  {
    std::ofstream out(script.path);
    out << gnuplot_script(p, svg.path);
    if (!out) throw PlotError("cannot write " + script.path);
  }
  const int status = run_gnuplot(script.path, log.path);
  if (status == 127) throw PlotError("gnuplot not found (install gnuplot-nox: ci/setup does)");
  if (status != 0) {
    std::string why = read_file(log.path);
    if (why.size() > 400) why = "..." + why.substr(why.size() - 400);  // the error comes last
    throw PlotError(fmt::format("gnuplot failed on plot '{}' (status {}): {}", p.id, status, why));
  }
  std::string doc = read_file(svg.path);
  const size_t begin = doc.find("<svg");
  if (begin == std::string::npos) throw PlotError("gnuplot wrote no SVG for plot '" + p.id + "'");
  doc = doc.substr(begin);
  // Inline SVGs share the page's id space: prefix every id and every reference to one.
  doc = std::regex_replace(doc, std::regex(R"(id=(['"]))"), "id=$1" + p.id + "-");
  doc = std::regex_replace(doc, std::regex(R"((href=['"]|url\()#)"), "$1#" + p.id + "-");
  return doc;
}

}  // namespace numguard::report
