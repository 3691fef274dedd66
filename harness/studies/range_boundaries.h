// Section 2 of the report: for every kernel, the input scales 2^e (over the input format's
// whole range) at which its outputs stay finite, non-zero where the correctly rounded
// reference is non-zero, and within bound; the boundaries found by bisection, beside the
// theoretical cliffs of its formats and the domain the kernel promises.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/studies/section.h"
#include "harness/studies/study_options.h"

namespace numguard::studies {

struct RangePoint {
  double log2_scale = 0;
  double bad_fraction = 0;  // bad output elements / all output elements at this scale
};

struct Cliff {
  std::string what;  // e.g. "fp16 exp overflow"
  double at = 0;     // input magnitude, computed from the format's constants
};

struct RangeRecord {
  std::string kernel, op;
  // The largest and smallest max|input| at which every output is good (nullopt: no good
  // scale at all); upper_limited / lower_limited: false when the sweep reached the format's
  // end without a bad output (the boundary is then the format's own limit).
  std::optional<double> upper, lower;
  bool upper_limited = false, lower_limited = false;
  std::string upper_cause, lower_cause;  // the first bad verdict beyond each boundary
  double promised_max_abs_input = 0;     // the recipe's domain (inf: unbounded)
  std::vector<Cliff> cliffs;
  std::vector<RangePoint> points;
};

struct RangeResult {
  std::vector<RangeRecord> records;
  const RangeRecord* find(const std::string& kernel) const;
};

RangeResult run_range(const StudyOptions& opt);
Section range_section(const RangeResult& r);

}  // namespace numguard::studies
