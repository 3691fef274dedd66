// Section 4's measurement: the kernels of one lineup on identical inputs. Each case is drawn
// once in fp32 (the common inputs); every kernel gets them rounded (RNE) into the formats its
// op gives its operands, and its output is compared with the exact result on the COMMON
// inputs, so the error a kernel shows includes the quantization of storing the inputs in its
// format (docs/studies-tradeoffs.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/studies/tradeoff_selection.h"

namespace numguard::studies {

// Relative errors |y_hat - y| / |y| of a set of output elements.
// Elements whose reference lies below the normal range of the lineup's narrowest output
// format are left out for every kernel alike (there even a correctly rounded output has a
// large relative error: that is the format's range, which section 2 measures, not its
// precision); they are counted, with the outputs that flush to zero.
struct ErrorStats {
  int64_t measured = 0;       // elements with a finite reference of magnitude >= the floor
  int64_t zero_ref = 0;       // reference exactly 0: no relative error, left out
  int64_t tiny_ref = 0;       // 0 < |reference| < the floor: left out
  int64_t nonfinite_ref = 0;  // reference inf or NaN: left out
  int64_t nonfinite_out = 0;  // measured elements whose output is inf or NaN: error +inf
  int64_t flushed = 0;        // elements with a finite non-zero reference and a zero output
  double median_rel = 0, p99_rel = 0, max_rel = 0;  // nearest rank; +inf where outputs are
};

// Nearest-rank statistics of `rel` (reordered).
// Nearest-rank statistics of `rel` (reordered); the counts are copied from `counts`.
ErrorStats error_stats(std::vector<double>& rel, const ErrorStats& counts);

struct DistributionErrors {
  std::string distribution;
  int64_t cases = 0;
  ErrorStats stats;
};

struct KernelErrors {
  const KernelDesc* kernel = nullptr;
  ErrorStats all;
  std::vector<DistributionErrors> by_distribution;
  std::string failure;  // the kernel threw (the message); its statistics are then empty
};

struct MeasureOptions {
  uint64_t seed = 1;
  unsigned threads = 0;
  std::vector<std::string> distributions = {"normal", "uniform"};  // generator names
  // Cases are drawn, alternating over the distributions, until both minimums are met or
  // max_cases is reached.
  int64_t min_elements = 4000, min_cases = 64, max_cases = 4000;
};

struct LineupErrors {
  int64_t cases = 0, elements = 0;    // elements: output elements per kernel, all cases
  double floor = 0;                   // the smallest normal of the lineup's narrowest output format
  std::vector<KernelErrors> kernels;  // the lineup's order
};

LineupErrors measure_lineup(const TradeoffLineup& lineup, const MeasureOptions& opt);

}  // namespace numguard::studies
