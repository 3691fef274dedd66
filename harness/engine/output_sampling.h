// Which output elements a case verifies (`check --sample N|all`; harness/core/output_sample.h
// holds the sample itself). A sample of N elements of an R x C output is, in this order:
//   1. structured (up to half of N): the output's four corners; the corners of every tile for
//      tile sizes 256, 128, 64, 32, 16 (rows and columns q T - 1 and q T, which are also
//      where an M or N tail tile starts), coarse tiles first, a finer level added while it
//      fits and a strided part of the next one after it; evenly spaced elements of the first
//      and last rows and columns; the rows whose input (operand a) has the largest and
//      smallest norm, and for gemm the columns of B with the largest and smallest norm;
//   2. uniformly random elements to N, from a generator seeded by the case's inputs (so
//      `--case I` draws the same sample); for ops judged row by row (OpInfo::row_sampling:
//      softmax, log_softmax, the forward norms, attention), in a random subset of rows,
//      about 64 elements a row.
// Every sampled gemm element runs its whole K loop, so every K boundary (split-K partitions,
// a K tail) is exercised by every sampled element.
#pragma once

#include <cstdint>
#include <optional>

#include "harness/core/output_sample.h"
#include "harness/engine/op.h"

namespace numguard {

// The run's setting: nullopt verifies every element; a count verifies that many per case
// (every element of outputs no larger). Default: automatic.
struct SampleSetting {
  bool automatic = true;
  std::optional<int64_t> count;  // when not automatic; nullopt: all
};
void set_sample_setting(SampleSetting s);
const SampleSetting& sample_setting();

// Outputs up to this many elements are verified in full by default; larger ones by a sample
// of kDefaultSample elements (a check of a production shape in seconds).
inline constexpr int64_t kAutoFullElements = int64_t{1} << 16;
inline constexpr int64_t kDefaultSample = 4096;

// The sample for problem p of `op` under the run's setting; nullopt: every element.
std::optional<OutputSample> choose_sample(const OpInfo& op, const Problem& p);
// The same for an explicit count (tests).
OutputSample sample_of(const OpInfo& op, const Problem& p, int64_t count);

}  // namespace numguard
