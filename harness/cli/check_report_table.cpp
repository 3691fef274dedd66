#include "harness/cli/check_report_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "harness/cli/repro_line.h"

namespace numguard::cli {
namespace {

// Three significant digits: enough to read a tightness of 0.0123 or an error of 1.5 ulp.
std::string num(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return fmt::format("{:.3g}", v);
}

std::string header(const CheckResults& r) {
  std::string names;
  for (const std::string& g : r.generators) names += (names.empty() ? "" : ", ") + g;
  return fmt::format("numguard check: seed {}, {} cases per kernel per generator ({})\n\n",
                     r.options.seed, r.options.cases, names);
}

std::string table(const CheckResults& r) {
  size_t width = 6;
  for (const KernelSummary& s : r.kernels) width = std::max(width, s.kernel->name.size());
  std::string out = fmt::format("{:<{}}  {:>7} {:>7} {:>9} {:>11} {:>10}  {}\n", "kernel", width,
                                "cases", "domain", "max ulp", "err/bound", "err/prob", "verdict");
  for (const KernelSummary& s : r.kernels)
    out +=
        fmt::format("{:<{}}  {:>7} {:>7} {:>9} {:>11} {:>10}  {}\n", s.kernel->name, width, s.cases,
                    s.domain_limits, num(s.max_ulps), num(s.max_bound_ratio), num(s.max_prob_ratio),
                    !s.crashed.empty() ? "CRASH"
                    : s.pass()         ? "pass"
                                       : "FAIL");
  out +=
      "\ndomain: cases outside the kernel's promised domain (not judged).\n"
      "max ulp: worst error in ulps of the output format.\n"
      "err/bound: worst error / derived bound (fails above 1); err/prob: worst error / "
      "probabilistic estimate (reported, never fails).\n";
  return out;
}

// How far each domain reaches in the absolute sum S = |alpha| sum |a_i b_i| + |beta c|, as
// aligned columns: with a hundred kernels this stays a compact block under the table.
std::string domain_notes(const CheckResults& r) {
  size_t width = 6;
  for (const KernelSummary& s : r.kernels)
    if (s.domain_limits > 0) width = std::max(width, s.kernel->name.size());
  std::string out;
  for (const KernelSummary& s : r.kernels) {
    if (s.domain_limits == 0) continue;
    const bool any_inside = s.domain_limits < s.cases;
    out += fmt::format("  {:<{}}  {:>13}  {:>12}  {:>13}\n", s.kernel->name, width,
                       fmt::format("{}/{}", s.domain_limits, s.cases),
                       any_inside ? num(s.domain_max_in) : "none", num(s.domain_min_out));
  }
  if (out.empty()) return out;
  return fmt::format(
      "\ndomain reach (S = sum of |terms| of an output element; row and elementwise ops: the "
      "largest |input| of its row):\n  {:<{}}  {:>13}  {:>12}  "
      "{:>13}\n{}",
      "kernel", width, "cases outside", "max S inside", "min S outside", out);
}

std::string failure_details(const CheckResults& r) {
  std::string out;
  for (const KernelSummary& s : r.kernels) {
    if (s.pass()) continue;
    if (!s.crashed.empty()) {
      out += fmt::format(
          "\nCRASH {}: {} (run alone in a child process first; not checked further, the other "
          "kernels' results stand)\n",
          s.kernel->name, s.crashed);
      continue;
    }
    std::string verdicts, generators;
    for (int v = 0; v < kVerdictCount; ++v) {
      const auto verdict = static_cast<Verdict>(v);
      if (is_failure(verdict) && s.verdicts[static_cast<size_t>(v)] > 0)
        verdicts += fmt::format("{}{} {}", verdicts.empty() ? "" : ", ", name(verdict),
                                s.verdicts[static_cast<size_t>(v)]);
    }
    for (const GeneratorSummary& g : s.generators)
      if (g.failures > 0)
        generators +=
            fmt::format("{}{} {}/{}", generators.empty() ? "" : ", ", g.name, g.failures, g.cases);
    out += fmt::format("\nFAIL {}: {} of {} cases ({}); generators: {}\n", s.kernel->name,
                       s.failures, s.cases, verdicts, generators);
    if (!s.first_failure) continue;
    // run_check keeps a thrown kernel's message in domain_reason.
    if (s.first_failure->verdict == Verdict::kernel_error)
      out += fmt::format("the kernel threw: {}\n", s.first_failure->domain_reason);
    out += repro_line(*s.kernel, r.options.seed, s.first_failure->index) + "\n";
  }
  return out;
}

}  // namespace

std::string check_report_table(const CheckResults& r) {
  const int64_t failed = r.failed();
  const int64_t passed = static_cast<int64_t>(r.kernels.size()) - failed;
  return header(r) + table(r) + domain_notes(r) + failure_details(r) +
         fmt::format("\n{} kernel{}: {} passed, {} failed ({:.1f} s)\n", r.kernels.size(),
                     r.kernels.size() == 1 ? "" : "s", passed, failed, r.seconds);
}

}  // namespace numguard::cli
