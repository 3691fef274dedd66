// Section 4 of the report: per op, the fp16, bf16, tf32 and fp32 recipes on identical inputs:
// error statistics, bits of accuracy, safe range (section 2), stagnation length (section 1)
// and a recommendation computed from those numbers.
#pragma once

#include "harness/studies/accumulation.h"
#include "harness/studies/range_boundaries.h"
#include "harness/studies/section.h"
#include "harness/studies/study_options.h"

namespace numguard::studies {

struct TradeoffEntry {
  std::string kernel, precision;  // precision: fp16, bf16, tf32, fp32
  double median_rel = 0, p99_rel = 0, max_rel = 0;
  double bits = 0;  // -log2(median relative error), capped at the format's precision + 1
  std::optional<double> safe_upper, safe_lower;  // from section 2
  std::optional<int64_t> stagnation_n;           // from section 1 (sum of ones)
};

struct TradeoffOp {
  std::string op;
  std::vector<TradeoffEntry> entries;
  std::string recommendation;  // computed (docs/report-schema.md says the rule)
};

struct TradeoffResult {
  std::vector<TradeoffOp> ops;
};

// The kernels tradeoffs compares, so the runner can give sections 1 and 2 at least these.
std::vector<const KernelDesc*> tradeoff_kernels(const StudyOptions& opt);
TradeoffResult run_tradeoffs(const StudyOptions& opt, const AccumulationResult& acc,
                             const RangeResult& range);
Section tradeoffs_section(const TradeoffResult& r);

}  // namespace numguard::studies
