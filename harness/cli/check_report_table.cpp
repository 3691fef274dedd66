#include "harness/cli/check_report_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "harness/cli/repro_line.h"
#include "harness/engine/user_inputs.h"

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
  if (!input_cases().empty())  // --inputs: the cases are the user's files
    return fmt::format("numguard check: {} case{} from --inputs {}\n\n", input_cases().size(),
                       input_cases().size() == 1 ? "" : "s", inputs_path());
  return fmt::format("numguard check: seed {}, {} cases per kernel per generator ({})\n\n",
                     r.options.seed, r.options.cases, names);
}

std::string table(const CheckResults& r) {
  size_t width = 6;
  for (const KernelSummary& s : r.kernels) width = std::max(width, s.kernel->name.size());
  std::string out =
      fmt::format("{:<{}}  {:>7} {:>7} {:>7} {:>9} {:>11} {:>10}  {}\n", "kernel", width, "cases",
                  "domain", "unsup", "max ulp", "err/bound", "err/prob", "verdict");
  for (const KernelSummary& s : r.kernels)
    out += fmt::format("{:<{}}  {:>7} {:>7} {:>7} {:>9} {:>11} {:>10}  {}\n", s.kernel->name, width,
                       s.cases, s.domain_limits, s.unsupported, num(s.max_ulps),
                       num(s.max_bound_ratio), num(s.max_prob_ratio), verdict_word(s));
  out +=
      "\ndomain: cases outside the kernel's promised domain (not judged).\n"
      "unsup: cases the kernel refused as unsupported (not judged; more than its max_unsupported "
      "fraction fails it).\n"
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

std::string shapes_text(const KernelSummary& s) {
  std::string out;
  for (const std::string& shape : s.unsupported_shapes) out += (out.empty() ? "" : "; ") + shape;
  return out;
}

// Refusals within the kernel's allowance are shown (never silently skipped); beyond it they fail.
std::string unsupported_notes(const KernelSummary& s) {
  if (s.unsupported == 0) return "";
  const double share = 100.0 * static_cast<double>(s.unsupported) / static_cast<double>(s.cases);
  if (s.too_many_unsupported())
    return fmt::format(
        "\nFAIL {}: refused {} of {} cases ({:.1f} %) as unsupported, more than its "
        "max_unsupported "
        "{:g} %; shapes refused: {}\n",
        s.kernel->name, s.unsupported, s.cases, share, 100 * s.kernel->max_unsupported,
        shapes_text(s));
  return fmt::format(
      "\nunsupported {}: {} of {} cases ({:.1f} %) refused, not judged; shapes: {}\n",
      s.kernel->name, s.unsupported, s.cases, share, shapes_text(s));
}

std::string internal_notes(const KernelSummary& s, uint64_t seed) {
  if (!s.first_internal) return "";
  const InternalError& e = *s.first_internal;
  return fmt::format(
      "\nnumguard internal error checking {} ({} case{}): case {} (generator {}, {}): {}\nThis "
      "is numguard's failure, not the kernel's: please report it with the line below.\n{}\n",
      s.kernel->name, s.internal_errors, s.internal_errors == 1 ? "" : "s", e.index, e.generator,
      e.shape.empty() ? "shape unknown" : e.shape, e.message,
      e.index >= 0 ? repro_line(*s.kernel, seed, e.index) : "");
}

// Every failing case by verdict and generator: the first kShownFailing indices of each and
// the count (the JSON summary has them all).
constexpr size_t kShownFailing = 20;
std::string failing_cases(const KernelSummary& s) {
  const size_t gens = s.generators.size();
  std::map<std::pair<Verdict, size_t>, std::vector<int64_t>> by;
  for (const auto& [index, verdict] : s.failing)
    by[{verdict, static_cast<size_t>(index) % gens}].push_back(index);
  std::string out;
  for (const auto& [key, indices] : by) {
    std::string shown;
    for (size_t i = 0; i < std::min(indices.size(), kShownFailing); ++i)
      shown += fmt::format("{}{}", i ? ", " : "", indices[i]);
    out +=
        fmt::format("  {} in {}: {} case{}: {}{}\n", name(key.first), s.generators[key.second].name,
                    indices.size(), indices.size() == 1 ? "" : "s", shown,
                    indices.size() > kShownFailing ? ", ..." : "");
  }
  return out;
}

// Kernels whose large outputs were verified at a sample (--sample, output_sampling.h).
std::string sample_notes(const CheckResults& r) {
  std::string out;
  for (const KernelSummary& s : r.kernels)
    if (s.sampled_cases > 0)
      out += fmt::format(
          "sampled {}: {} of {} output elements verified exactly over {} of {} cases (the "
          "largest case: {} of {}); --sample all verifies every element\n",
          s.kernel->name, s.verified_elements, s.output_elements, s.sampled_cases, s.cases,
          s.largest_verified, s.largest_output);
  return out.empty() ? out : "\n" + out;
}

std::string failure_details(const CheckResults& r) {
  std::string out;
  for (const KernelSummary& s : r.kernels) {
    out += unsupported_notes(s) + internal_notes(s, r.options.seed);
    if (s.pass()) continue;
    if (!s.case_crashes.empty()) {
      out += fmt::format(
          "\nCRASH {}: died on {} case{} (each in a worker process of its own; the other {} "
          "cases were checked here{})\n",
          s.kernel->name, s.case_crashes.size(), s.case_crashes.size() == 1 ? "" : "s", s.cases,
          s.failures ? fmt::format(", {} of them failing, below", s.failures) : ", all passing");
      for (const auto& [index, line] : s.case_crashes)
        out += fmt::format("  {}\n  {}\n", line, repro_line(*s.kernel, r.options.seed, index));
    }
    if (!s.crashed.empty()) out += fmt::format("  numguard gave up on it: {}\n", s.crashed);
    if (s.failures == 0) continue;  // failed on its refusals alone (said above)
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
    out += failing_cases(s);
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
  const int64_t passed = r.passed();
  const int64_t internal = r.internal_errors();
  return header(r) + table(r) + domain_notes(r) + sample_notes(r) + failure_details(r) +
         fmt::format(
             "\n{} kernel{}: {} passed, {} failed{} ({:.1f} s)\n", r.kernels.size(),
             r.kernels.size() == 1 ? "" : "s", passed, failed,
             internal ? fmt::format(", {} not finished: numguard internal error", internal) : "",
             r.seconds);
}

}  // namespace numguard::cli
