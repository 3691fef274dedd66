// Summation orders with run-time parameters and the order bugs real kernels have: the planted
// mutants run these, and `numguard explain` (harness/explain/) runs them as hypotheses about
// any reduction kernel, so each is written once. (Pairwise's three-term leaf bug is a switch of
// pairwise.h.)
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>

#include "kernels_under_test/cpu/sequential.h"

namespace numguard::kernels {

// Blocked summation with the block size chosen at run time (blocked.h's order).
struct BlockedRuntime {
  int64_t block = 32;
  template <class R, bool P>
  double operator()(const R& round, const Terms<P>& t) const {
    if (t.k == 0) return 0.0;
    double total = Sequential{}(round, t.sub(0, std::min(block, t.k)));
    for (int64_t lo = block; lo < t.k; lo += block)
      total = add(round, total, Sequential{}(round, t.sub(lo, std::min(block, t.k - lo))));
    return total;
  }
};

// Split-K: `splits` chunks (each reduced by Chunk, Sequential by default) of ceil(k / splits) terms
// in the accumulation format, each partial stored in `partial`, the partials summed in order in
// `reduce` (nullopt: the accumulation format). A workspace or reduction kernel in the input format
// is partial = reduce = that format.
template <class Chunk = Sequential>
struct SplitKRuntime {
  Chunk chunk_algo{};
  int splits = 4;
  Format partial = Format::fp32;
  std::optional<Format> reduce;
  template <class R, bool P>
  double operator()(const R& round, const Terms<P>& t) const {
    if (t.k == 0) return 0.0;
    const int64_t chunk = (t.k + splits - 1) / splits;
    const auto chunk_sum = [&](int64_t lo) {
      const double v = chunk_algo(round, t.sub(lo, std::min(chunk, t.k - lo)));
      return partial == round.format ? v : round_value(partial, v);
    };
    double total = chunk_sum(0);
    for (int64_t lo = chunk; lo < t.k; lo += chunk) {
      const double part = chunk_sum(lo);
      if (reduce && *reduce != round.format) {
        total = with_acc_rounding(*reduce, [&](const auto& r2) { return add(r2, total, part); });
      } else {
        total = add(round, total, part);
      }
    }
    return total;
  }
};

}  // namespace numguard::kernels
