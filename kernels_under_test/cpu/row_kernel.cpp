#include "kernels_under_test/cpu/row_kernel.h"

#include "harness/core/output_sample.h"

#include "kernels_under_test/cpu/reduction_kernel.h"

namespace numguard::kernels {

std::vector<float> to_floats(const Tensor& t) {
  std::vector<float> v(t.size());
  for (size_t i = 0; i < t.size(); ++i) v[i] = static_cast<float>(t.value(i));
  return v;
}

uint64_t from_float(float y, Format out) {
  return round_double(out, static_cast<double>(y)).bits;
}

float through(Format f, float y) {
  return static_cast<float>(round_value(f, static_cast<double>(y)));
}

Recipe row_recipe(const RowRecipe& r) {
  Recipe rc;
  rc.in = r.in;
  rc.acc = Format::fp32;
  rc.shape = r.shape;
  rc.out = r.out;
  rc.method = r.method;
  rc.stage = r.stage;
  rc.math_ulps = r.math_ulps;
  rc.domain = r.domain;
  return rc;
}

std::string row_kernel_name(std::string_view op, Format in, std::string_view algorithm) {
  return kernel_name(op, in, Format::fp32, algorithm);
}

void register_row_kernel(std::string name, std::string op, Recipe recipe, KernelFn run) {
  register_kernel(cpu_kernel(std::move(name), op, std::move(recipe), std::move(run)));
}

std::vector<uint8_t> sampled_rows(int64_t m, int64_t n) {
  const OutputSample* s = current_output_sample();
  if (!s || n <= 0) return {};
  std::vector<uint8_t> rows(static_cast<size_t>(m), 0);
  for (size_t e : s->indices()) rows[e / static_cast<size_t>(n)] = 1;
  return rows;
}

}  // namespace numguard::kernels
