// What one `numguard check` run produced, as the table and the JSON summary both read it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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
  int64_t passed() const {
    int64_t n = 0;
    for (const KernelSummary& s : kernels) n += s.pass() && s.internal_errors == 0 ? 1 : 0;
    return n;
  }
  // Kernels numguard could not finish checking because its own code failed.
  int64_t internal_errors() const {
    int64_t n = 0;
    for (const KernelSummary& s : kernels) n += s.internal_errors > 0 ? 1 : 0;
    return n;
  }
};

// The verdict word of a kernel's row: "CRASH", "INTERNAL" (numguard failed on one of its
// cases), "FAIL" or "pass".
inline std::string_view verdict_word(const KernelSummary& s) {
  if (!s.crashed.empty() || !s.case_crashes.empty()) return "CRASH";
  if (s.internal_errors > 0) return "INTERNAL";
  return s.pass() ? "pass" : "FAIL";
}

}  // namespace numguard::cli
