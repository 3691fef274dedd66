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
  // Added by the study: how the samples were counted and how close they came to the bound.
  int64_t trials = 0;          // problems evaluated at this n
  int64_t skipped_zero = 0;    // elements with y == 0 (no relative error)
  int64_t skipped_domain = 0;  // elements outside the kernel's promised domain
  int64_t nonfinite = 0;       // inside the domain, but y or the output is inf / NaN
  int64_t kernel_errors = 0;   // trials where the kernel threw
  int64_t violations = 0;      // measured samples whose error exceeds the bound
  // Max relative error over the first min_trials trials alone: the same sample count at every
  // n, so the growth fit is not biased by the larger trial counts at small n.
  double fit_max_rel = 0;
  double median_bound_rel = 0;
  double max_bound_ratio = 0;  // largest error / bound over the samples
  // The same over the samples whose bound is mostly accumulation: bound / |y| above twice
  // u_out and y normal in the output format (elsewhere the bound is mostly the output's own
  // rounding or its subnormal spacing, which a correctly rounded result fills by itself).
  double max_acc_bound_ratio = 0;
  double condition = 0;  // GenDot: median exact condition of the trials kept (else NaN)
  // Trial 0's first output element and its reference (the computed sum the stagnation
  // search follows); NaN when trial 0 gave none.
  double first_output = 0, first_reference = 0;
};

struct AccumulationCurve {
  std::string kernel, op, distribution;     // distribution: uniform01, normal, alternating, ones,
                                            // gendot_1e2 .. gendot_1e8
  std::string recipe;                       // Recipe::summary()
  std::string input, accumulation, output;  // format names
  bool mutant = false;
  double u_out = 0, u_acc = 0;
  // GenDot: lengths where no trial's condition came within [c/3, 3c] of the target (the
  // construction's condition grows with n), so the point was left out.
  std::vector<int64_t> unreachable_n;
  std::vector<AccumulationPoint> points;
  // Slope of log(fit_max_rel) against log(n), least squares over the points with a nonzero
  // finite value; NaN with fewer than 3 such points.
  double growth_exponent = 0;
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
