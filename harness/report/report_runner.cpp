#include "harness/report/report_runner.h"

#include <algorithm>
#include <chrono>
#include <ctime>

#include "harness/engine/registry.h"
#include "harness/studies/accumulation.h"
#include "harness/studies/gradients.h"
#include "harness/studies/range_boundaries.h"
#include "harness/studies/tradeoffs.h"

namespace numguard::report {
namespace {

bool wants(const std::vector<std::string>& s, const std::string& key) {
  return std::find(s.begin(), s.end(), key) != s.end();
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

const std::vector<std::string>& section_keys() {
  static const std::vector<std::string> keys = {"accumulation", "range", "gradients", "tradeoffs"};
  return keys;
}

Report run_report(const ReportRequest& req) {
  const auto start = std::chrono::steady_clock::now();
  Report rep;
  rep.meta.kernels = req.kernel_globs;
  rep.meta.quick = req.study.quick;
  rep.meta.seed = req.study.seed;
  rep.meta.threads = req.study.threads;
  rep.meta.kernel_count = static_cast<int64_t>(req.study.kernels.size());
  rep.meta.tc_arch = registry().tc_arch().arch;
  rep.meta.tc_arch_source = registry().tc_arch().source;
  rep.meta.created = utc_now();
  for (const std::string& k : section_keys())
    if (wants(req.sections, k)) rep.meta.sections.push_back(k);

  const bool trade = wants(req.sections, "tradeoffs");
  // Sections 1 and 2 over the selection when they are asked for; otherwise, for tradeoffs,
  // over the kernels it compares.
  studies::StudyOptions feeder = req.study;
  if (trade) feeder.kernels = studies::tradeoff_kernels(req.study);

  studies::AccumulationResult acc;
  if (wants(req.sections, "accumulation")) {
    acc = studies::run_accumulation(req.study);
    rep.sections.push_back(studies::accumulation_section(acc));
  } else if (trade) {
    acc = studies::run_accumulation(feeder);
  }
  studies::RangeResult range;
  if (wants(req.sections, "range")) {
    range = studies::run_range(req.study);
    rep.sections.push_back(studies::range_section(range));
  } else if (trade) {
    range = studies::run_range(feeder);
  }
  if (wants(req.sections, "gradients"))
    rep.sections.push_back(studies::gradients_section(studies::run_gradients(req.study)));
  if (trade)
    rep.sections.push_back(
        studies::tradeoffs_section(studies::run_tradeoffs(req.study, acc, range)));
  rep.meta.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return rep;
}

}  // namespace numguard::report
