#include "kernels_under_test/cpu/amax_rows.h"

#include <cmath>

#include "harness/core/reduce_order.h"
#include "kernels_under_test/cpu/row_kernel.h"

namespace numguard::kernels {

void amax_rows(const AmaxAlgo& a, const Problem& p, Tensor& out) {
  const std::vector<float> x = to_floats(p.a);
  auto pick = [&a](float r, float y) {
    if (!a.propagate_nan) return std::fmax(r, y);
    return (y > r || y != y) ? y : r;  // a NaN r stays: NaN > y and y > NaN are both false
  };
  for (int64_t r = 0; r < p.m; ++r) {
    const float* row = x.data() + r * p.n;
    const float y = reduce_in_order(
        a.shape, p.n, 0.0f, [row](int64_t j) { return std::fabs(row[j]); }, pick, pick);
    out.bits[static_cast<size_t>(r)] = from_float(y, out.format);
  }
}

}  // namespace numguard::kernels
