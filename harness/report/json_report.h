// report.json: the sections' records under their keys (accumulation, range, gradients,
// tradeoffs) plus `meta` (options, timing, each section's title and findings).
// docs/report-schema.md documents every field.
#pragma once

#include <nlohmann/json.hpp>

#include "harness/report/report.h"

namespace numguard::report {

inline constexpr int kReportSchemaVersion = 1;

nlohmann::json report_json(const Report& r);

}  // namespace numguard::report
