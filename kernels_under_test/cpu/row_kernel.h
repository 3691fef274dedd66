// What the CPU kernels of the row and elementwise ops share: fp32 arithmetic on inputs
// decoded exactly (fp16, bf16 and fp32 values are floats), RNE conversion of the results into
// the output format, the recipe they declare and their registration.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/kernel.h"
#include "harness/core/rounding.h"

namespace numguard::kernels {

// Every element of t as a float (exact for fp32 and narrower formats).
std::vector<float> to_floats(const Tensor& t);

// Sampled verification (harness/core/output_sample.h): which of the m rows of an m x n output
// hold a sampled element; empty when there is no sample (every row). Row kernels compute only
// those rows, each bit for bit as in a full run.
std::vector<uint8_t> sampled_rows(int64_t m, int64_t n);
inline bool wanted_row(const std::vector<uint8_t>& rows, int64_t r) {
  return rows.empty() || rows[static_cast<size_t>(r)] != 0;
}

// y rounded (RNE) into `out`, as bits.
uint64_t from_float(float y, Format out);

// Rounds y into f and back: a value stored in a narrower buffer between two steps.
float through(Format f, float y);

struct RowRecipe {
  Format in = Format::fp32;
  Format out = Format::fp32;
  Method method = Method::direct;
  Accumulation shape{};
  std::optional<Format> stage;
  double math_ulps = 0;
  Domain domain{};
};
Recipe row_recipe(const RowRecipe& r);  // acc = fp32

// "<op>.<in>.fp32acc.<algorithm>".
std::string row_kernel_name(std::string_view op, Format in, std::string_view algorithm);

void register_row_kernel(std::string name, std::string op, Recipe recipe, KernelFn run);

}  // namespace numguard::kernels
