#include "harness/cli/check_json.h"

#include <string>

#include "harness/cli/json_number.h"
#include "harness/cli/repro_line.h"
#include "harness/engine/registry.h"
#include "harness/engine/user_inputs.h"

namespace numguard::cli {
namespace {

nlohmann::json verdict_counts(const KernelSummary& s) {
  nlohmann::json j = nlohmann::json::object();
  for (int v = 0; v < kVerdictCount; ++v)
    j[std::string(name(static_cast<Verdict>(v)))] = s.verdicts[static_cast<size_t>(v)];
  return j;
}

nlohmann::json generator_json(const GeneratorSummary& g) {
  return {{"name", g.name},
          {"cases", g.cases},
          {"failures", g.failures},
          {"domain_limits", g.domain_limits},
          {"max_bound_ratio", json_number(g.max_ratio)}};
}

// Every failing case index, by verdict, then generator: {"bound_violation": {"uniform": [3]}}.
nlohmann::json failing_cases_json(const KernelSummary& s) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [index, verdict] : s.failing)
    j[std::string(name(verdict))]
     [s.generators[static_cast<size_t>(index) % s.generators.size()].name]
         .push_back(index);
  return j;
}

// Cases whose worker process died, exited or hung (the rest were checked).
nlohmann::json case_crashes_json(const KernelSummary& s, const CheckResults& r) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& [index, line] : s.case_crashes)
    a.push_back(
        {{"case", index}, {"what", line}, {"repro", repro_line(*s.kernel, r.options.seed, index)}});
  return a;
}

nlohmann::json kernel_summary_json(const KernelSummary& s, const CheckResults& r) {
  const KernelDesc& k = *s.kernel;
  nlohmann::json generators = nlohmann::json::array();
  // Generators left out by --generator ran no case: they are omitted, not reported as 0.
  for (const GeneratorSummary& g : s.generators)
    if (g.cases > 0) generators.push_back(generator_json(g));
  const bool any_inside = s.domain_limits < s.cases;
  return {
      {"name", k.name},
      {"op", k.op},
      {"mutant", k.mutant},
      {"cases", s.cases},
      {"failures", s.failures},
      {"domain_limits", s.domain_limits},
      {"max_ulp", json_number(s.max_ulps)},
      {"max_bound_ratio", json_number(s.max_bound_ratio)},
      {"max_prob_ratio", json_number(s.max_prob_ratio)},
      {"verdict", std::string(verdict_word(s)) == "CRASH"      ? "crash"
                  : std::string(verdict_word(s)) == "INTERNAL" ? "internal_error"
                  : s.pass()                                   ? "pass"
                                                               : "fail"},
      {"crashed", s.crashed},
      {"not_run", s.not_run},
      {"case_crashes", case_crashes_json(s, r)},
      {"failing_cases", failing_cases_json(s)},
      {"crash_repro", s.crash_case ? nlohmann::json(repro_line(k, r.options.seed, *s.crash_case))
                                   : nlohmann::json(nullptr)},
      // Cases the kernel refused by design, the first few distinct shapes it refused, and
      // whether that is more than its max_unsupported fraction (which fails it).
      {"unsupported",
       {{"cases", s.unsupported},
        {"shapes", s.unsupported_shapes},
        {"max_fraction", k.max_unsupported},
        {"too_many", s.too_many_unsupported()}}},
      {"internal_error", s.first_internal
                             ? nlohmann::json{{"cases", s.internal_errors},
                                              {"case", s.first_internal->index},
                                              {"generator", s.first_internal->generator},
                                              {"shape", s.first_internal->shape},
                                              {"message", s.first_internal->message}}
                             : nlohmann::json(nullptr)},
      {"repro", s.first_failure
                    ? nlohmann::json(repro_line(k, r.options.seed, s.first_failure->index))
                    : nlohmann::json(nullptr)},
      {"verdicts", verdict_counts(s)},
      {"generators", generators},
      // Sampled verification (--sample): output elements verified exactly of those produced,
      // over the judged cases, and how many cases were verified at a sample.
      {"elements",
       {{"verified", s.verified_elements},
        {"total", s.output_elements},
        {"sampled_cases", s.sampled_cases},
        {"largest_case", {{"verified", s.largest_verified}, {"total", s.largest_output}}}}},
      {"domain",
       {{"max_sum_abs_inside", any_inside ? json_number(s.domain_max_in) : nullptr},
        {"min_sum_abs_outside", s.domain_limits > 0 ? json_number(s.domain_min_out) : nullptr}}},
  };
}

}  // namespace

nlohmann::json check_json(const CheckResults& r) {
  nlohmann::json kernels = nlohmann::json::array();
  for (const KernelSummary& s : r.kernels) kernels.push_back(kernel_summary_json(s, r));
  const int64_t failed = r.failed();
  nlohmann::json j;
  j["seed"] = r.options.seed;
  // --case runs one case: there is no per-generator count.
  j["cases_per_generator"] =
      r.options.only_case ? nlohmann::json(nullptr) : nlohmann::json(r.options.cases);
  if (r.options.only_case) j["case"] = *r.options.only_case;
  j["generators"] = r.generators;
  // --inputs: the user's files, case I being file I.
  if (!input_cases().empty()) {
    nlohmann::json files = nlohmann::json::array();
    for (const InputCase& c : input_cases()) files.push_back(c.source);
    j["inputs"] = files;
  }
  // The tensor-core architecture the twins (and their recipes) model in this run.
  j["tc_arch"] = {{"arch", registry().tc_arch().arch}, {"source", registry().tc_arch().source}};
  j["passed"] = r.passed();
  j["failed"] = failed;
  j["internal_errors"] = r.internal_errors();
  j["seconds"] = r.seconds;
  j["kernels"] = kernels;
  return j;
}

}  // namespace numguard::cli
