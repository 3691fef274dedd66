#include "harness/cli/explain_output.h"

#include <fmt/format.h>

#include <algorithm>

namespace numguard::cli {
namespace {

std::string index_list(const std::vector<int64_t>& v, size_t shown) {
  std::string s;
  for (size_t i = 0; i < v.size() && i < shown; ++i) s += fmt::format("{}{}", i ? ", " : "", v[i]);
  if (v.size() > shown) s += fmt::format(", ... ({} in all)", v.size());
  return s;
}

}  // namespace

std::string explanation_text(const explain::Explanation& e, size_t rows) {
  std::string s = fmt::format("explain {}\n", e.kernel);
  s += fmt::format("  {} cases: {} failing, {} passing, {} not judged (domain limits, refused)\n",
                   e.cases, e.failing, e.passing, e.skipped);
  if (e.failing > 0) s += fmt::format("  failing cases: {}\n", index_list(e.failing_cases, 20));
  if (!e.structure.empty())
    s += fmt::format(
        "  structure: {} reproduces the passing cases clearly more often than the declared "
        "order; the hypotheses below are built on it\n",
        e.structure);
  if (!e.hypotheses.empty()) {
    size_t width = 10;
    for (size_t i = 0; i < e.hypotheses.size() && i < rows; ++i)
      width = std::max(width, e.hypotheses[i].tag.size());
    s += fmt::format("  {:<4} {:<{}}  {:>11}  {:>12}  {:>14}  {:>7}  {}\n", "rank", "hypothesis",
                     width, "reproduces", "within bound", "breaks passing", "probes",
                     "what the kernel would do");
    for (size_t i = 0; i < e.hypotheses.size() && i < rows; ++i) {
      const explain::Score& h = e.hypotheses[i];
      const bool probed = std::ranges::find(e.probed, h.tag) != e.probed.end();
      s += fmt::format("  {:<4} {:<{}}  {:>11}  {:>12}  {:>14}  {:>7}  {}\n", i + 1, h.tag, width,
                       fmt::format("{}/{}", h.reproduces, e.failing),
                       fmt::format("{}/{}", h.within_bound, e.failing),
                       fmt::format("{}/{}", h.breaks_passing, e.passing),
                       probed ? fmt::format("{}/{}", h.probe_agree, e.probes) : std::string("-"),
                       h.description);
    }
    if (e.hypotheses.size() > rows)
      s += fmt::format("  ... {} more hypotheses (--json lists them all)\n",
                       e.hypotheses.size() - rows);
    if (!e.probed.empty())
      s += fmt::format(
          "  probes: {} cases built to separate the {} hypotheses that fit equally well (inputs "
          "scaled by powers of two into the subnormal and overflow ranges; the probes column: how "
          "many each reproduces bit for bit)\n",
          e.probes, e.probed.size());
    const explain::Score& top = e.hypotheses.front();
    if (!e.explained && !top.unexplained.empty())
      s += fmt::format("  cases {} leaves unexplained: {} (numguard check --kernel {} --case I)\n",
                       top.tag, index_list(top.unexplained, 8), e.kernel);
  }
  s += fmt::format("verdict: {}\n", e.verdict);
  return s;
}

nlohmann::json explanation_json(const explain::Explanation& e) {
  nlohmann::json hyps = nlohmann::json::array();
  for (const explain::Score& h : e.hypotheses)
    hyps.push_back({{"tag", h.tag},
                    {"description", h.description},
                    {"reproduces", h.reproduces},
                    {"within_bound", h.within_bound},
                    {"breaks_passing", h.breaks_passing},
                    {"passing_reproduced", h.passing_reproduced},
                    {"probes_reproduced", h.probe_agree},
                    {"unexplained_cases", h.unexplained}});
  return {{"kernel", e.kernel},
          {"cases", e.cases},
          {"failing_cases", e.failing},
          {"passing_cases", e.passing},
          {"not_judged", e.skipped},
          {"failing_case_indices", e.failing_cases},
          {"modelled", e.modelled},
          {"structure", e.structure.empty() ? nlohmann::json() : nlohmann::json(e.structure)},
          {"probes", e.probes},
          {"probed", e.probed},
          {"hypotheses", hyps},
          {"explained", e.explained},
          {"internal_error",
           e.internal_error.empty() ? nlohmann::json() : nlohmann::json(e.internal_error)},
          {"verdict", e.verdict}};
}

}  // namespace numguard::cli
