// Runs the studies a report asks for, in dependency order: tradeoffs reads the stagnation
// lengths of section 1 and the safe ranges of section 2, so when it is asked for alone those
// two sweeps still run over its kernels (their sections are then left out of the report).
#pragma once

#include <string>
#include <vector>

#include "harness/report/report.h"
#include "harness/studies/study_options.h"

namespace numguard::report {

// The section keys, in report order.
const std::vector<std::string>& section_keys();

struct ReportRequest {
  studies::StudyOptions study;        // kernels, seed, quick, threads, progress
  std::vector<std::string> sections;  // subset of section_keys(), any order
  std::string kernel_globs;           // for the metadata
};

Report run_report(const ReportRequest& req);

}  // namespace numguard::report
