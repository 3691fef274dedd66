#include "harness/studies/accumulation.h"

namespace numguard::studies {

// Stub: replaced by the study's implementation.
AccumulationResult run_accumulation(const StudyOptions&) {
  return {};
}

Section accumulation_section(const AccumulationResult&) {
  Section s;
  s.key = "accumulation";
  s.title = "Accumulation error";
  return s;
}

}  // namespace numguard::studies

namespace numguard::studies {
const AccumulationCurve* AccumulationResult::find(const std::string& kernel,
                                                  const std::string& distribution) const {
  for (const AccumulationCurve& c : curves)
    if (c.kernel == kernel && c.distribution == distribution) return &c;
  return nullptr;
}
}  // namespace numguard::studies
