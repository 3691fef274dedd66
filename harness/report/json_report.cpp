#include "harness/report/json_report.h"

namespace numguard::report {

nlohmann::json report_json(const Report& r) {
  nlohmann::json j;
  nlohmann::json sections = nlohmann::json::array();
  for (const studies::Section& s : r.sections) {
    j[s.key] = s.records;
    nlohmann::json plots = nlohmann::json::array();
    for (const studies::Plot& p : s.plots) plots.push_back(p.id);
    sections.push_back(
        {{"key", s.key}, {"title", s.title}, {"findings", s.findings}, {"plots", plots}});
  }
  j["meta"] = {{"schema_version", kReportSchemaVersion},
               {"numguard_version", r.meta.version},
               {"created", r.meta.created},
               {"kernels", r.meta.kernels},
               {"kernel_count", r.meta.kernel_count},
               {"tc_arch", {{"arch", r.meta.tc_arch}, {"source", r.meta.tc_arch_source}}},
               {"sections", sections},
               {"quick", r.meta.quick},
               {"seed", r.meta.seed},
               {"threads", r.meta.threads},
               {"seconds", r.meta.seconds}};
  return j;
}

}  // namespace numguard::report
