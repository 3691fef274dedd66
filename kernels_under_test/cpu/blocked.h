// Blocked summation (recipe.h Order::blocked): terms [jB, jB + B) are summed sequentially
// (fused multiply-adds, starting from the block's first term), then the block sums are summed
// sequentially in block order; the last block holds the K mod B tail. This is the order of a
// kernel with a B-wide K tile that keeps one partial per tile. Error at most about
// gamma_(B - 1 + ceil(n/B)) * sum |x_i| (Higham, "Accuracy and Stability", 4.2; Blanchard,
// Higham & Mary, "A class of fast and accurate summation algorithms", SISC 2020).
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

#include "kernels_under_test/cpu/sequential.h"

namespace numguard::kernels {

template <int B>
struct Blocked {
  static_assert(B > 0);
  static constexpr std::string_view name = B == 32 ? "blocked32" : "blocked";
  static constexpr bool fuses_products = true;
  Accumulation shape() const { return {.order = Order::blocked, .block = B}; }

  template <class R, bool P>
  double operator()(const R& round, const Terms<P>& t) const {
    if (t.k == 0) return 0.0;
    double total = Sequential{}(round, t.sub(0, std::min<int64_t>(B, t.k)));
    for (int64_t lo = B; lo < t.k; lo += B)
      total = add(round, total, Sequential{}(round, t.sub(lo, std::min<int64_t>(B, t.k - lo))));
    return total;
  }
};

}  // namespace numguard::kernels
