#include "kernels_under_test/cpu/softmax_rows.h"

#include <cmath>
#include <limits>
#include <utility>
#include <vector>

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

// The mutant's sum: lanes strided as reduce_in_order's, then a full xor butterfly (every lane
// v[l] + v[l ^ o]) over lanes/2, ..., 2 and 2 again; lane 0's value.
template <class Leaf>
float typo_butterfly_sum(const Accumulation& shape, int64_t n, Leaf leaf) {
  const int lanes = shape.order == Order::strided && shape.lanes > 1 ? shape.lanes : 1;
  std::vector<float> v(static_cast<size_t>(lanes), 0.0f), w(v.size());
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i % lanes)] += leaf(i);
  std::vector<int> offsets;
  for (int o = lanes / 2; o >= 2; o /= 2) offsets.push_back(o);
  if (lanes >= 2) offsets.push_back(lanes >= 4 ? 2 : 1);
  for (int o : offsets) {
    for (int l = 0; l < lanes; ++l)
      w[static_cast<size_t>(l)] = v[static_cast<size_t>(l)] + v[static_cast<size_t>(l ^ o)];
    std::swap(v, w);
  }
  return v[0];
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
      // Only an empty state (no element, or only -inf ones) is an identity: a lane that saw
      // a NaN before any finite value holds (-inf, NaN), and its NaN must reach the sum.
      if (q.m == kNegInf && q.s == 0) return p;
      if (p.m == kNegInf && p.s == 0) return q;
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
    auto larger = [](float m, float v) { return v > m || v != v ? v : m; };  // NaN propagates
    r.m = reduce_in_order(
        a.shape, n, kNegInf, [x](int64_t i) { return x[i]; }, larger, larger);
  }
  auto add = [](float p, float q) { return p + q; };
  auto leaf = [&](int64_t i) { return numerator(a, x[i], r.m); };
  r.s = a.repeated_last_offset ? typo_butterfly_sum(a.shape, n, leaf)
                               : reduce_in_order(a.shape, n, 0.0f, leaf, add, add);
  return r;
}

}  // namespace

void softmax_rows(const SoftmaxAlgo& a, const Problem& p, Tensor& out) {
  const std::vector<float> x = to_floats(p.a);
  const std::vector<uint8_t> rows = sampled_rows(p.m, p.n);
  for (int64_t r = 0; r < p.m; ++r) {
    if (!wanted_row(rows, r)) continue;
    const float* row = x.data() + r * p.n;
    SoftmaxAlgo summed = a;
    if (a.stage_numerator_only) summed.stage.reset();
    const Online s = row_sum(summed, row, p.n);
    const float ls = a.log ? fm::log(s.s) : 0.0f;
    const bool zeros = a.zero_empty_rows && !a.log && s.m == kNegInf;
    for (int64_t j = 0; j < p.n; ++j) {
      const float y = zeros ? 0.0f : a.log ? (row[j] - s.m) - ls : numerator(a, row[j], s.m) / s.s;
      out.bits[static_cast<size_t>(r * p.n + j)] = from_float(y, out.format);
    }
  }
}

}  // namespace numguard::kernels
