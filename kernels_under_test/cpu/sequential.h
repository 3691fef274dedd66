// Recursive (sequential) summation: s = ((x1 + x2) + x3) + ... (recipe.h Order::sequential).
// For dot and gemm every step is a fused multiply-add acc = RN(acc + a_i*b_i); the chain
// starts from the first term, RN(x1), so a sum of zeros keeps their common sign as IEEE
// 754-2019 6.3 gives it. Higham, "Accuracy and Stability of Numerical Algorithms", 4.2.
#pragma once

#include <string_view>
#include <type_traits>

#include "kernels_under_test/cpu/reduction_kernel.h"

namespace numguard::kernels {

struct Sequential {
  static constexpr std::string_view name = "sequential";
  static constexpr bool fuses_products = true;
  Accumulation shape() const { return {.order = Order::sequential}; }

  template <class R, bool P>
  double operator()(const R& round, const Terms<P>& t) const {
    if (t.k == 0) return 0.0;
    if constexpr (std::is_same_v<R, Fp32Round>) {
      if (t.all_fp32) {  // every step is one float addition: the fast path of acc_arithmetic.h
        float acc = static_cast<float>(t[0]);
        for (int64_t i = 1; i < t.k; ++i) acc += static_cast<float>(t[i]);
        return acc;
      }
    }
    double acc = round(t[0]);
    for (int64_t i = 1; i < t.k; ++i) acc = add(round, acc, t[i]);
    return acc;
  }
};

}  // namespace numguard::kernels
