// A report: what was asked for, how long it took, and the sections the studies produced.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/studies/section.h"

namespace numguard::report {

struct ReportMeta {
  std::string version;
  std::string kernels;  // the --kernel globs
  std::vector<std::string> sections;
  bool quick = false;
  uint64_t seed = 1;
  unsigned threads = 0;
  int64_t kernel_count = 0;  // CPU kernels the studies could use
  // The tensor-core architecture the twins modelled, and why (harness/engine/registry.h).
  std::string tc_arch, tc_arch_source;
  double seconds = 0;   // wall time of the studies
  std::string created;  // UTC, ISO 8601
};

struct Report {
  ReportMeta meta;
  std::vector<studies::Section> sections;  // in the order accumulation, range, gradients, tradeoffs
};

}  // namespace numguard::report
