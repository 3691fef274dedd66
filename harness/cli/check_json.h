// The JSON summary of `numguard check --json FILE` (keys documented in README.md):
//   {"seed", "cases_per_generator", "generators", "passed", "failed", "seconds",
//    "kernels": [{"name", "op", "mutant", "cases", "failures", "domain_limits", "max_ulp",
//                 "max_bound_ratio", "max_prob_ratio", "verdict", "repro", "verdicts",
//                 "generators", "domain"}]}
// Infinite or NaN numbers are the strings "inf", "-inf", "nan" (json_number.h); a quantity
// that does not exist (no repro for a passing kernel, no case outside the domain) is null.
#pragma once

#include <nlohmann/json.hpp>

#include "harness/cli/check_results.h"

namespace numguard::cli {

nlohmann::json check_json(const CheckResults& r);

}  // namespace numguard::cli
