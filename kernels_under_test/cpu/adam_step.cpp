#include "kernels_under_test/cpu/adam_step.h"

#include <cmath>

#include "kernels_under_test/cpu/fp32_math.h"
#include "kernels_under_test/cpu/row_kernel.h"

namespace numguard::kernels {

namespace fm = fp32math;

void adam_step(const AdamAlgo& a, const Problem& p, Tensor& out) {
  const std::vector<float> w = to_floats(p.a), g = to_floats(p.b), m = to_floats(p.c),
                           v = to_floats(p.d);
  const float lr = static_cast<float>(p.scalars.at(0)), b1 = static_cast<float>(p.scalars.at(1)),
              b2 = static_cast<float>(p.scalars.at(2)), eps = static_cast<float>(p.scalars.at(3)),
              t = static_cast<float>(p.scalars.at(4));
  const float bc1 = 1.0f - fm::exp(t * fm::log(b1));
  const float bc2 = 1.0f - fm::exp(t * fm::log(b2));
  const float omb1 = 1.0f - b1, omb2 = 1.0f - b2;
  auto in_den = [&a](float x) { return a.denominator ? through(*a.denominator, x) : x; };
  const size_t n = w.size();
  for (size_t i = 0; i < n; ++i) {
    const float m1 = b1 * m[i] + omb1 * g[i];
    const float v1 = b2 * v[i] + omb2 * (g[i] * g[i]);
    const float mhat = m1 / bc1;
    const float vhat = v1 / bc2;
    const float den = in_den(in_den(std::sqrt(vhat)) + in_den(eps));
    const float w1 = w[i] - (lr * mhat) / den;
    out.bits[i] = from_float(w1, out.format);
    out.bits[n + i] = from_float(m1, out.format);
    out.bits[2 * n + i] = from_float(v1, out.format);
  }
}

}  // namespace numguard::kernels
