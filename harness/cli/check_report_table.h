// The text report of `numguard check`: one row per kernel (cases, domain limits, worst error
// in ulps of the output, tightness against the derived bound and against the probabilistic
// estimate, verdict), then how far each kernel's domain reaches, then for every failing
// kernel its failing verdicts and generators and the one-line reproducer, then the totals.
#pragma once

#include <string>

#include "harness/cli/check_results.h"

namespace numguard::cli {

std::string check_report_table(const CheckResults& r);

}  // namespace numguard::cli
