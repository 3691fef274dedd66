// Section 1 of the report: how the error of every reducing kernel grows with the reduction
// length n, over input distributions, beside the recipe's deterministic bound and sqrt(n) u;
// the fitted growth exponent and the length at which a sum stagnates.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/studies/section.h"
#include "harness/studies/study_options.h"

namespace numguard::studies {

struct AccumulationPoint {
  int64_t n = 0;
  int64_t samples = 0;  // output elements measured at this n (trials x outputs per trial)
  // Relative error |y_hat - y| / |y| and the same in units of the output format's u.
  double max_rel = 0, median_rel = 0, p99_rel = 0;
  double max_u = 0, median_u = 0, p99_u = 0;
  double bound_rel = 0;  // the recipe's deterministic bound / |y| (largest over the samples)
  double sqrt_n_u = 0;   // sqrt(n) * u of the accumulation format
};

struct AccumulationCurve {
  std::string kernel, op, distribution;  // distribution: uniform01, normal, alternating, ones,
                                         // gendot_1e2 .. gendot_1e8
  std::vector<AccumulationPoint> points;
  double growth_exponent = 0;  // slope of log(max_rel) against log(n), least squares
  // The smallest n from which further terms no longer change the computed sum (found by the
  // sweep and a bisection), and the value the sum is stuck at; nullopt: none within the sweep.
  std::optional<int64_t> stagnation_n;
  double stagnation_value = 0;
};

struct AccumulationResult {
  std::vector<AccumulationCurve> curves;
  const AccumulationCurve* find(const std::string& kernel, const std::string& distribution) const;
};

AccumulationResult run_accumulation(const StudyOptions& opt);
Section accumulation_section(const AccumulationResult& r);

}  // namespace numguard::studies
