// numguard report: runs the studies (accumulation error, overflow/underflow boundaries,
// gradients in deep stacks, precision tradeoffs) over the selected CPU kernels and writes
// DIR/report.json, DIR/report.md and DIR/index.html (plots as SVG, inline in the HTML and
// as DIR/plots/*.svg for the Markdown), replacing a previous report in one step.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "harness/cli/kernel_selection.h"
#include "harness/cli/numeric_option.h"
#include "harness/cli/plugin_option.h"
#include "harness/cli/seed_option.h"
#include "harness/cli/verb.h"
#include "harness/engine/check_runner.h"
#include "harness/report/html_report.h"
#include "harness/report/json_report.h"
#include "harness/report/markdown_report.h"
#include "harness/report/report_dir.h"
#include "harness/report/report_runner.h"
#include "harness/report/svg_plot.h"
#include "harness/studies/parallel.h"

namespace numguard::cli {
namespace {

constexpr unsigned kMaxThreads = 1024;

struct ReportCommand {
  std::string out;
  bool quick = false;
  std::string kernels = "*";
  std::vector<std::string> sections;
  uint64_t seed = 1;
  unsigned threads = 0;
  int depth = 0, width = 0;
  std::vector<std::string> plugins;
  kernel_worker::Limits limits;  // of the plugin kernels' worker processes
};

// Progress lines on stderr, at most a few per second, each with the elapsed time.
class ProgressPrinter {
 public:
  void line(const std::string& s) {
    std::lock_guard<std::mutex> lock(mu_);
    const double t = elapsed();
    const std::string section = s.substr(0, s.find(':'));
    if (section == last_section_ && t - last_ < 0.5) return;
    last_section_ = section;
    last_ = t;
    fmt::print(stderr, "[{:6.1f} s] {}\n", t, s);
  }
  double elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::mutex mu_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::string last_section_;
  double last_ = -1;
};

std::vector<std::string> validated_sections(const std::vector<std::string>& asked) {
  const std::vector<std::string>& known = report::section_keys();
  if (asked.empty()) return known;
  for (const std::string& s : asked)
    if (std::find(known.begin(), known.end(), s) == known.end())
      throw UsageError(
          fmt::format("unknown section '{}' (known: accumulation, range, gradients, "
                      "tradeoffs)",
                      s));
  return asked;
}

int run_report_verb(const ReportCommand& c) {
  if (c.threads > kMaxThreads)
    throw UsageError(fmt::format("--threads must be between 0 (all cores) and {}", kMaxThreads));
  // A stack deeper or wider than this is a typo, not a study (time grows as L N^2).
  if (c.depth < 0 || c.depth > 256) throw UsageError("--depth must be between 2 and 256");
  if (c.depth == 1) throw UsageError("--depth must be between 2 and 256");
  if (c.width < 0 || c.width > 1024 || (c.width > 0 && c.width < 4))
    throw UsageError("--width must be between 4 and 1024");
  if (const std::string why = report::report_dir_problem(c.out); !why.empty())
    throw UsageError("--out: " + why);
  report::ReportRequest req;
  req.sections = validated_sections(c.sections);
  req.kernel_globs = c.kernels;
  // The studies run kernels many thousands of times: CPU kernels only (a CUDA kernel's twin
  // reproduces its arithmetic bit for bit, docs/DESIGN.md principle 3).
  build_registry_or_fail(c.plugins, c.limits);
  for (const KernelDesc* k : select_or_fail(c.kernels, false)) {
    if (k->device != Device::cpu) continue;
    // Plugin kernels run in worker processes (kernel_worker.h), so a crash costs a study point,
    // not the report; one that crashes in a short trial check is left out, saying why.
    if (!k->plugin.empty()) {
      CheckOptions trial;
      trial.cases = 20;
      trial.seed = c.seed;
      trial.threads = c.threads;
      if (const KernelSummary s = run_check({k}, trial).front(); !s.case_crashes.empty()) {
        fmt::print(stderr, "numguard report: {} left out: its trial check crashed: {}\n", k->name,
                   s.case_crashes.front().second);
        continue;
      }
    }
    req.study.kernels.push_back(k);
  }
  if (req.study.kernels.empty())
    throw UsageError("--kernel '" + c.kernels +
                     "' leaves no CPU kernel to study (GPU kernels' CPU twins end in .twin)");
  req.study.quick = c.quick;
  req.study.seed = c.seed;
  req.study.threads = c.threads;
  req.study.depth = c.depth;
  req.study.width = c.width;
  ProgressPrinter progress;
  req.study.progress = [&progress](const std::string& s) { progress.line(s); };
  fmt::print(stderr, "numguard report: {} sections over {} CPU kernels ({} sweeps)\n",
             req.sections.size(), req.study.kernels.size(), c.quick ? "quick" : "full");

  report::Report rep = report::run_report(req);
  rep.meta.version = NUMGUARD_VERSION;
  // A plugin kernel that crashed during the studies (a long row, a large GEMM) cost those
  // points, not the report: every section says so, and the exit status is 1.
  std::vector<std::string> crashed;
  for (const KernelDesc* k : req.study.kernels) {
    if (k->plugin.empty() || kernel_worker::crash_count(k->name) == 0) continue;
    const std::optional<std::string> gave_up = kernel_worker::given_up(k->name);
    crashed.push_back(fmt::format(
        "CRASH {}: its worker process died or hung {} time{} during the studies{}; those runs "
        "count as kernel errors, not measurements",
        k->name, kernel_worker::crash_count(k->name),
        kernel_worker::crash_count(k->name) == 1 ? "" : "s",
        gave_up ? " and numguard stopped calling it (" + *gave_up + ")" : ""));
  }
  for (const std::string& line : crashed) {
    fmt::print(stderr, "numguard report: {}\n", line);
    for (studies::Section& s : rep.sections) s.findings.insert(s.findings.begin(), line);
  }

  std::vector<const studies::Plot*> plots;
  std::set<std::string> ids;
  for (const studies::Section& s : rep.sections)
    for (const studies::Plot& p : s.plots) {
      if (!ids.insert(p.id).second)
        throw std::runtime_error("two plots share the id '" + p.id + "' (a study bug)");
      plots.push_back(&p);
    }
  progress.line(fmt::format("plots: rendering {} plots with gnuplot", plots.size()));
  // Rendering and writing fail on the machine (no gnuplot, a full disk), not on a bug:
  // one line, exit 2, and the previous report stays as it was.
  try {
    std::vector<std::string> svg(plots.size());
    studies::parallel_for(static_cast<int64_t>(plots.size()), c.threads, [&](int64_t i) {
      svg[static_cast<size_t>(i)] = report::render_svg(*plots[static_cast<size_t>(i)]);
    });
    std::map<std::string, std::string> by_id;
    std::vector<std::pair<std::string, std::string>> files;
    for (size_t i = 0; i < plots.size(); ++i) {
      by_id[plots[i]->id] = svg[i];
      // Built in steps: GCC 12 warns (-Wrestrict, a false positive) on the one-line sums.
      std::string path = "plots/", doc = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
      path += plots[i]->id;
      path += ".svg";
      doc += svg[i];
      files.emplace_back(std::move(path), std::move(doc));
    }
    files.emplace_back("report.json", report::report_json(rep).dump() + "\n");
    files.emplace_back("report.md", report::report_markdown(rep));
    files.emplace_back("index.html", report::report_html(rep, by_id));
    report::write_report_dir(c.out, files);
  } catch (const report::PlotError& e) {
    fmt::print(stderr, "numguard report: {}; nothing written\n", e.what());
    return kExitUsage;
  } catch (const std::runtime_error& e) {
    fmt::print(stderr, "numguard report: {}\n", e.what());
    return kExitUsage;
  }
  fmt::print(
      "numguard report: wrote {}/index.html, report.md, report.json ({} plots) in "
      "{:.1f} s\n",
      c.out, plots.size(), progress.elapsed());
  return crashed.empty() ? kExitOk : kExitFailure;
}

VerbAction setup_report(CLI::App& app) {
  auto c = std::make_shared<ReportCommand>();
  app.add_option("--out", c->out,
                 "Report folder: DIR/report.json, DIR/report.md, DIR/index.html, DIR/plots/ "
                 "(a previous report there is replaced in one step)")
      ->type_name("DIR")
      ->required();
  app.add_flag("--quick", c->quick,
               "Shorter sweeps (reduction lengths to 2^14, shallower stacks): minutes, not tens");
  app.add_option("--kernel", c->kernels,
                 "Comma-separated name globs of the kernels to study (default '*': every "
                 "built-in CPU kernel; an exact mutant name adds that mutant)")
      ->type_name("GLOB");
  app.add_option("--sections", c->sections,
                 "Comma-separated subset of accumulation,range,gradients,tradeoffs (default all)")
      ->delimiter(',')
      ->type_name("LIST");
  app.add_option("--seed", c->seed, "Seed of every random input (default 1)")
      ->type_name("S")
      ->check(seed_problem);
  app.add_option("--threads", c->threads, "Worker threads (default 0: all cores)")
      ->type_name("T")
      ->check(integer_in(0, kMaxThreads));
  app.add_option("--depth", c->depth,
                 "Layers L of the gradient study's stacks (default 64, --quick 32)")
      ->type_name("L");
  app.add_option("--width", c->width, "Width N of the gradient study's layers (default 64)")
      ->type_name("N");
  add_plugin_option(app, c->plugins);
  add_kernel_limit_options(app, c->limits);
  app.footer(
      "Examples:\n"
      "  numguard report --quick --out build/report\n"
      "  numguard report --out build/report-full --threads 16\n"
      "  numguard report --quick --sections accumulation --kernel 'sum.*' --out /tmp/sums\n"
      "Exit status: 0 report written; 1 report written, but a plugin kernel crashed or hung "
      "during\n"
      "the studies (its findings say so); 2 a usage error, gnuplot missing or the folder not "
      "writable\n"
      "(nothing written, a previous report kept).");
  return [c] { return run_report_verb(*c); };
}

NUMGUARD_REGISTER_VERB({
    .name = "report",
    .summary = "Study accumulation error, range boundaries, deep-stack gradients and precision "
               "tradeoffs; write JSON, Markdown and HTML with plots",
    .setup = setup_report,
});

}  // namespace
}  // namespace numguard::cli
