#include "kernels_under_test/cpu/softmax_rows.h"

#include <cmath>
#include <limits>

#include "harness/core/reduce_order.h"
#include "kernels_under_test/cpu/fp32_math.h"
#include "kernels_under_test/cpu/row_kernel.h"

namespace numguard::kernels {
namespace {

namespace fm = fp32math;
constexpr float kNegInf = -std::numeric_limits<float>::infinity();

struct Online {
  float m = kNegInf;
  float s = 0;
};

float stage_of(const SoftmaxAlgo& a, float v) {
  return a.stage ? through(*a.stage, v) : v;
}

float numerator(const SoftmaxAlgo& a, float x, float mx) {
  if (a.method == Method::no_max) return stage_of(a, fm::exp(x));
  if (x == kNegInf) return 0.0f;  // masked: exp(-inf) even when the max is -inf too
  return stage_of(a, fm::exp(x - mx));
}

// The row's max and sum of exponentials, in the algorithm's order.
Online row_sum(const SoftmaxAlgo& a, const float* x, int64_t n) {
  if (a.method == Method::online) {
    auto step = [&a](Online s, float xi) {
      if (xi > s.m) {
        if (s.m == kNegInf)
          s.s = s.s + 1.0f;  // 0 + 1, unless a NaN came first
        else
          s.s = a.rescale ? s.s * fm::exp(s.m - xi) + 1.0f : s.s + 1.0f;
        s.m = xi;
      } else if (xi != kNegInf) {
        s.s = s.s + fm::exp(xi - s.m);
      }
      return s;
    };
    auto combine = [&a](Online p, Online q) {
      if (q.m == kNegInf) return p;
      if (p.m == kNegInf) return q;
      const float mx = p.m > q.m ? p.m : q.m;
      auto rescaled = [&](const Online& o) {
        return o.m == mx || !a.rescale ? o.s : o.s * fm::exp(o.m - mx);
      };
      return Online{mx, rescaled(p) + rescaled(q)};
    };
    return reduce_in_order(
        a.shape, n, Online{}, [x](int64_t i) { return x[i]; }, step, combine);
  }
  Online r;
  if (a.method != Method::no_max) {
    r.m = kNegInf;
    for (int64_t i = 0; i < n; ++i)
      if (x[i] > r.m || x[i] != x[i]) r.m = x[i];  // NaN propagates
  }
  auto add = [](float p, float q) { return p + q; };
  r.s = reduce_in_order(
      a.shape, n, 0.0f, [&](int64_t i) { return numerator(a, x[i], r.m); }, add, add);
  return r;
}

}  // namespace

void softmax_rows(const SoftmaxAlgo& a, const Problem& p, Tensor& out) {
  const std::vector<float> x = to_floats(p.a);
  for (int64_t r = 0; r < p.m; ++r) {
    const float* row = x.data() + r * p.n;
    const Online s = row_sum(a, row, p.n);
    const float ls = a.log ? fm::log(s.s) : 0.0f;
    for (int64_t j = 0; j < p.n; ++j) {
      const float y = a.log ? (row[j] - s.m) - ls : numerator(a, row[j], s.m) / s.s;
      out.bits[static_cast<size_t>(r * p.n + j)] = from_float(y, out.format);
    }
  }
}

}  // namespace numguard::kernels
