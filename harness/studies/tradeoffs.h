// Section 4 of the report: per op, the fp16, bf16, tf32 and fp32 recipes on identical inputs:
// error statistics, bits of accuracy, safe range (section 2), stagnation length (section 1)
// and a recommendation computed from those numbers (docs/studies-tradeoffs.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/studies/accumulation.h"
#include "harness/studies/range_boundaries.h"
#include "harness/studies/section.h"
#include "harness/studies/study_options.h"

namespace numguard::studies {

// Error statistics of one kernel over a set of output elements (relative errors
// |y_hat - y| / |y| against the exact result on the common fp32 inputs).
struct TradeoffStats {
  std::string distribution;  // "all", or a generator name (normal, uniform)
  int64_t cases = 0;
  int64_t measured = 0;       // elements with a finite reference, |y| >= the op's floor
  int64_t zero_ref = 0;       // reference 0: left out
  int64_t tiny_ref = 0;       // 0 < |y| < floor (below the narrowest output's normals): left out
  int64_t nonfinite_ref = 0;  // reference inf / NaN: left out
  int64_t nonfinite_out = 0;  // output inf / NaN where the reference is finite: error +inf
  int64_t flushed = 0;        // finite non-zero reference, zero output (measured or tiny)
  double median_rel = 0, p99_rel = 0, max_rel = 0;
  double median_u = 0, p99_u = 0, max_u = 0;  // the same in units of the output format's u
  double bits = 0;
};

struct TradeoffEntry {
  std::string kernel, precision;  // precision: fp16, bf16, tf32, fp32
  double median_rel = 0, p99_rel = 0, max_rel = 0;
  double bits = 0;  // -log2(median relative error), within [0, output precision + 1]
  std::optional<double> safe_upper, safe_lower;  // from section 2
  std::optional<int64_t> stagnation_n;           // from section 1 (sum of ones)

  std::string out_format;
  int storage_bits = 0;  // of the input format's container
  TradeoffStats all;     // the figures above, with the element counts
  std::vector<TradeoffStats> by_distribution;
  std::string failure;  // the kernel threw on a case (its message)
  // Section 2: whether it measured this kernel, and whether each boundary is the kernel's
  // (true) or the end of the sweep (false: the format's own limit).
  bool range_measured = false;
  bool upper_limited = false, lower_limited = false;
  // Section 1: whether it has this kernel's sum-of-ones curve, the longest n it reached and
  // the value the sum stuck at.
  bool stagnation_measured = false;
  int64_t stagnation_checked_to = 0;
  double stagnation_value = 0;
  // The same algorithm accumulating in the storage format (e.g. sum.fp16.fp16acc.sequential
  // beside sum.fp16.fp32acc.sequential), when it is registered and section 1 measured it: where
  // its sum of ones stalls is what keeping the accumulator wide buys.
  std::string storage_acc_kernel;
  std::optional<int64_t> storage_acc_stagnation_n;
  double storage_acc_stagnation_value = 0;
  // The recommendation rule's verdict on this entry: why it does not qualify (empty: it does).
  std::vector<std::string> fails;
};

// The recommendation rule's parameters (docs/studies-tradeoffs.md, "Recommendation").
struct TradeoffRule {
  double target_p99_rel = 1e-2;  // accuracy asked for: p99 relative error at most this
  // Input magnitudes (max |input|) the safe range must cover: activations, logits and
  // normalized values; where even the fp32 kernel's range does not (the op itself overflows,
  // e.g. exp), the part of the span within a factor 2 of the fp32 kernel's boundaries.
  double span_lo = 0x1p-8, span_hi = 0x1p8;
  int64_t min_stagnation_n = int64_t{1} << 14;  // a sum of ones may not stall before this
};

struct TradeoffOp {
  std::string op;
  std::vector<TradeoffEntry> entries;
  std::string recommendation;  // computed (docs/report-schema.md, `tradeoffs` says the rule)

  std::string algorithm;    // the lineup's algorithm (kernel name after <op>.<in>.fp32acc.)
  std::string recommended;  // the precision picked ("" when no entry was measured)
  bool qualified = false;   // the pick meets every criterion (false: the fallback)
  int64_t cases = 0, elements = 0;
  double floor = 0;   // |reference| below this is left out (the narrowest output's min normal)
  std::string error;  // the measurement itself failed (then entries is empty)
};

struct TradeoffResult {
  std::vector<TradeoffOp> ops;
  TradeoffRule rule;
  bool quick = false;
  uint64_t seed = 1;
};

// The kernels tradeoffs compares, so the runner can give sections 1 and 2 at least these
// (with the storage-format-accumulating siblings of the reductions' entries).
std::vector<const KernelDesc*> tradeoff_kernels(const StudyOptions& opt);
// "<op>.<in>.fp32acc.<alg>" -> "<op>.<in>.<in>acc.<alg>" ("" when the name has no fp32acc).
std::string storage_acc_sibling(const std::string& kernel, const std::string& precision);
TradeoffResult run_tradeoffs(const StudyOptions& opt, const AccumulationResult& acc,
                             const RangeResult& range);
Section tradeoffs_section(const TradeoffResult& r);

// The entries' section-1 and section-2 figures, the rule's verdicts and the recommendation,
// recomputed from the measured errors (run_tradeoffs calls it; tests feed other results).
void attach_studies(TradeoffOp& op, const AccumulationResult& acc, const RangeResult& range);
void recommend(TradeoffOp& op, const TradeoffRule& rule);

}  // namespace numguard::studies
