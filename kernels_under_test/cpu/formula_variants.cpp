#include "kernels_under_test/cpu/formula_variants.h"

#include <vector>

namespace numguard::kernels::variants {

void bias_after_activation_rows(ElementFn f, const Problem& p, Tensor& out) {
  const std::vector<float> x = to_floats(p.a);
  const std::vector<float> b = to_floats(p.b);
  const std::vector<uint8_t> rows = sampled_rows(p.m, p.n);
  for (int64_t r = 0; r < p.m; ++r)
    for (int64_t j = 0; j < p.n && wanted_row(rows, r); ++j) {
      const auto i = static_cast<size_t>(r * p.n + j);
      const float g = f(x[i]);
      const float y = b.empty() ? g : g + b[static_cast<size_t>(j)];
      out.bits[i] = from_float(y, out.format);
    }
}

}  // namespace numguard::kernels::variants
