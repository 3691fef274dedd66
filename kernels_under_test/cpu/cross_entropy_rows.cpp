#include "kernels_under_test/cpu/cross_entropy_rows.h"

#include <limits>

#include "harness/core/reduce_order.h"
#include "kernels_under_test/cpu/fp32_math.h"
#include "kernels_under_test/cpu/row_kernel.h"

namespace numguard::kernels {

namespace fm = fp32math;

void cross_entropy(const CrossEntropyAlgo& a, const Problem& p, Tensor& out) {
  constexpr float kNegInf = -std::numeric_limits<float>::infinity();
  const std::vector<float> x = to_floats(p.a);
  float total = 0.0f;
  for (int64_t r = 0; r < p.m; ++r) {
    const float* row = x.data() + r * p.n;
    float mx = kNegInf;
    for (int64_t j = 0; j < p.n; ++j)
      if (row[j] > mx || row[j] != row[j]) mx = row[j];  // NaN propagates
    auto add = [](float u, float v) { return u + v; };
    const float s = reduce_in_order(
        a.shape, p.n, 0.0f,
        // exp(-inf) is 0 even when the max is -inf too (a fully -inf row: log 0 - -inf = NaN)
        [&](int64_t j) { return row[j] == kNegInf ? 0.0f : fm::exp(row[j] - mx); }, add, add);
    const float lse = mx + fm::log(s);
    const float loss = lse - row[p.lengths[static_cast<size_t>(r)]];
    total = total + loss;
    if (a.batch_stage) total = through(*a.batch_stage, total);
  }
  out.bits[0] = from_float(total / static_cast<float>(p.m), out.format);
}

}  // namespace numguard::kernels
