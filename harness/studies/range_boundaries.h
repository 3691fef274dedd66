// Section 2 of the report: for every kernel, the input scales 2^e (over the input format's
// whole range) at which its outputs stay finite, non-zero where the correctly rounded
// reference is non-zero, and within bound; the boundaries found by bisection, beside the
// theoretical cliffs of its formats and the domain the kernel promises.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/engine/op_study.h"
#include "harness/studies/section.h"
#include "harness/studies/study_options.h"

namespace numguard::studies {

struct RangePoint {
  double log2_scale = 0;
  double bad_fraction = 0;  // bad output elements / all output elements at this scale
  // Bad or outside the kernel's promise (a domain limit): the stricter count behind the
  // promised_* boundaries.
  double unpromised_fraction = 0;
};

struct RangeRecord {
  std::string kernel, op;
  std::string in_format, acc_format, out_format, stage_format;  // stage "" when none
  std::string scaled;  // which operands the sweep scales and what the others hold
  // The largest and smallest max|input| at which every output is good (nullopt: no good
  // scale at all); upper_limited / lower_limited: false when the sweep reached the format's
  // end without a bad output (the boundary is then the format's own limit).
  std::optional<double> upper, lower;
  bool upper_limited = false, lower_limited = false;
  std::string upper_cause, lower_cause;  // the first bad verdict beyond each boundary
  double promised_max_abs_input = 0;     // the recipe's domain (inf: unbounded)
  std::vector<Cliff> cliffs;
  std::vector<RangePoint> points;

  // max|input| of the first bad input found beyond each boundary (nullopt: not limited).
  std::optional<double> upper_bad, lower_bad;
  // The kind of the first bad element beyond each boundary (a failing verdict's name such as
  // bound_violation, or, for an output its bound permits: output_overflow, nonfinite, zero,
  // no_correct_digit; kernel_error) and whether that element lies inside the kernel's promise.
  std::string upper_kind, lower_kind;
  bool upper_inside_promise = false, lower_inside_promise = false;
  // The same boundaries when an element outside the promise (a domain limit) also counts as
  // bad: the range that is both good and promised.
  std::optional<double> promised_upper, promised_lower;
  bool promised_upper_limited = false, promised_lower_limited = false;
  std::string promised_upper_cause, promised_lower_cause;
  // The theoretical cliff nearest each limited boundary ("" when none or not limited).
  std::string upper_cliff, lower_cliff;
  double upper_cliff_at = 0, lower_cliff_at = 0;
  // A real problem: beyond a boundary, the kernel's own check fails (a failing verdict) on an
  // element inside its promise, or the kernel breaks below the |x| it declares.
  bool breaks_inside_promise = false;
  std::string error;  // the sweep could not run (no pattern for the op, ...); "" normally
};

struct RangeResult {
  std::vector<RangeRecord> records;
  double seconds = 0;  // wall time of the sweep
  const RangeRecord* find(const std::string& kernel) const;
};

// Whether a RangeRecord kind is a failure of the kernel's own check (a failing verdict or
// kernel_error), not an output loss its recipe's bound permits.
bool is_check_failure_kind(const std::string& kind);

RangeResult run_range(const StudyOptions& opt);
Section range_section(const RangeResult& r);

}  // namespace numguard::studies
