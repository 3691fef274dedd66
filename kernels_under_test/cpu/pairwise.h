// Pairwise (cascade) summation by recursive halving (recipe.h Order::pairwise): a range of n
// terms splits at h = floor(n/2) into a left half of h terms and a right half of n - h terms
// (the left half is the smaller one when n is odd), and the result is RN(left + right); a
// single term is the leaf RN(x_i). The error is at most gamma_ceil(log2 n) * sum |x_i|
// (Higham, "Accuracy and Stability of Numerical Algorithms", 4.2). A leaf cannot fuse its
// product into an addition, so a product that is inexact in the accumulation format is
// rounded there and the recipe declares product = acc.
#pragma once

#include <string_view>

#include "kernels_under_test/cpu/reduction_kernel.h"

namespace numguard::kernels {

struct Pairwise {
  static constexpr std::string_view name = "pairwise";
  static constexpr bool fuses_products = false;
  // The bug of a hand-unrolled three-term leaf that indexes its right pair from the node's
  // start: x0 + (x0 + x1) instead of x0 + (x1 + x2), one term counted twice and one dropped
  // (mutants/pairwise_wrong_index.cpp, explain's pairwise_leaf_index).
  bool three_term_leaf_bug = false;

  Accumulation shape() const { return {.order = Order::pairwise}; }

  template <class R, bool P>
  double operator()(const R& round, const Terms<P>& t) const {
    return t.k == 0 ? 0.0 : reduce(round, t, 0, t.k);
  }

 private:
  template <class R, bool P>
  double reduce(const R& round, const Terms<P>& t, int64_t lo, int64_t n) const {
    if (n == 1) return round(t[lo]);
    if (n == 3 && three_term_leaf_bug)
      return add(round, round(t[lo]), add(round, round(t[lo]), round(t[lo + 1])));
    const int64_t h = n / 2;
    const double left = reduce(round, t, lo, h);
    const double right = reduce(round, t, lo + h, n - h);
    return add(round, left, right);
  }
};

}  // namespace numguard::kernels
