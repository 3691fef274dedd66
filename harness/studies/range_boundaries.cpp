#include "harness/studies/range_boundaries.h"

namespace numguard::studies {

// Stub: replaced by the study's implementation.
RangeResult run_range(const StudyOptions&) {
  return {};
}

Section range_section(const RangeResult&) {
  Section s;
  s.key = "range";
  s.title = "Overflow and underflow boundaries";
  return s;
}

}  // namespace numguard::studies

namespace numguard::studies {
const RangeRecord* RangeResult::find(const std::string& kernel) const {
  for (const RangeRecord& r : records)
    if (r.kernel == kernel) return &r;
  return nullptr;
}
}  // namespace numguard::studies
