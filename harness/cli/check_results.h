// What one `numguard check` run produced, as the table and the JSON summary both read it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/engine/check_runner.h"

namespace numguard::cli {

struct CheckResults {
  CheckOptions options;                 // as run: seed, cases per generator, generators
  std::vector<std::string> generators;  // names of the generators that ran
  std::vector<KernelSummary> kernels;   // in the order of select_kernels
  double seconds = 0;                   // wall time of run_check

  int64_t failed() const {
    int64_t n = 0;
    for (const KernelSummary& s : kernels) n += s.pass() ? 0 : 1;
    return n;
  }
};

}  // namespace numguard::cli
