#include "harness/studies/tradeoffs.h"

namespace numguard::studies {

// Stub: replaced by the study's implementation.
std::vector<const KernelDesc*> tradeoff_kernels(const StudyOptions&) {
  return {};
}
TradeoffResult run_tradeoffs(const StudyOptions&, const AccumulationResult&, const RangeResult&) {
  return {};
}

Section tradeoffs_section(const TradeoffResult&) {
  Section s;
  s.key = "tradeoffs";
  s.title = "Precision tradeoffs";
  return s;
}

}  // namespace numguard::studies
