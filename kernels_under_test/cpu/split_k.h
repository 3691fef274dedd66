// Split-K (recipe.h Order::split_k): K is cut into chunks of ceil(K/S) consecutive terms, at
// most S of them (the last holds the remainder; a chunk that would start at or past K is
// empty and skipped, so K = 5 gives chunks of 2, 2 and 1 terms). Each chunk is summed
// sequentially with fused multiply-adds,
// its partial is stored in the partial format, and the partials are summed in chunk order in
// the accumulation format: ((p0 + p1) + p2) + p3. This is cuBLAS / CUTLASS split-K with a
// separate reduction kernel over a workspace of partials.
#pragma once

#include <algorithm>
#include <string_view>

#include "kernels_under_test/cpu/sequential.h"

namespace numguard::kernels {

template <int S>
struct SplitK {
  static_assert(S > 0);
  static constexpr std::string_view name = S == 4 ? "splitk4" : "splitk";
  static constexpr bool fuses_products = true;
  // The partials are stored in the accumulation format (fp32 workspaces for fp32
  // accumulation; fp16 / bf16 kernels that accumulate in their input format store them so).
  Format partial = Format::fp32;
  Accumulation shape() const { return {.order = Order::split_k, .splits = S, .partial = partial}; }

  template <class R, bool P>
  double operator()(const R& round, const Terms<P>& t) const {
    if (t.k == 0) return 0.0;
    const int64_t chunk = (t.k + S - 1) / S;
    const auto store = [&](double v) {
      return partial == round.format ? v : round_value(partial, v);
    };
    double total = store(Sequential{}(round, t.sub(0, std::min(chunk, t.k))));
    for (int64_t lo = chunk; lo < t.k; lo += chunk)
      total = add(round, total, store(Sequential{}(round, t.sub(lo, std::min(chunk, t.k - lo)))));
    return total;
  }
};

}  // namespace numguard::kernels
