// Kahan's compensated summation (recipe.h Order::compensated), every operation rounded in the
// accumulation format:
//   y = x_i - c;  t = s + y;  c = (t - s) - y;  s = t
// with s = RN(x_1), c = 0 to start (Kahan, CACM 1965; Higham, "Accuracy and Stability",
// Alg. 4.2: |error| <= (2u + O(n u^2)) * sum |x_i|). For dot and gemm the first step is fused,
// y = RN(a_i*b_i - c). Once s or t is not finite the compensation is meaningless (inf - inf
// would turn an overflow into NaN), so c is held at 0 and the loop continues as a plain
// sum; infinities and overflow then come out as IEEE addition gives them.
#pragma once

#include <cmath>
#include <string_view>

#include "kernels_under_test/cpu/reduction_kernel.h"

namespace numguard::kernels {

struct Kahan {
  static constexpr std::string_view name = "kahan";
  static constexpr bool fuses_products = true;
  Accumulation shape() const { return {.order = Order::compensated}; }

  template <class R, bool P>
  double operator()(const R& round, const Terms<P>& t) const {
    if (t.k == 0) return 0.0;
    double s = round(t[0]);
    double c = 0.0;
    for (int64_t i = 1; i < t.k; ++i) {
      const double y = add(round, t[i], -c);
      const double next = add(round, s, y);
      c = std::isfinite(next) ? add(round, add(round, next, -s), -y) : 0.0;
      s = next;
    }
    return s;
  }
};

}  // namespace numguard::kernels
