// Case building shared by the row and elementwise ops: the values each named generator draws
// (generators.h names; each op gives them its own meaning where it needs to) and tensors
// filled from them.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/core/kernel.h"
#include "harness/engine/random.h"

namespace numguard::ops {

using ValueFn = std::function<double(Rng&)>;

// A value source for generator `g` in format `in`, at the op's natural scale `scale` (the
// spread that exercises its interesting region: |x| up to about 4 for activations).
ValueFn values_for(std::string_view g, Format in, double scale, Rng& r);

// A tensor of `shape` in `in` whose elements come from `v`, clamped to the finite range.
Tensor fill_tensor(Format in, std::vector<int64_t> shape, Rng& r, const ValueFn& v);

// Plants 1..3 special values (+-0, +-inf, NaN) in t.
void plant_specials(Tensor& t, Rng& r);

// api_corners: one or two of t's rows (rows of n) replaced by a corner that frameworks define:
// every element -inf, a single NaN, a single +inf, a constant row (zero variance) or all zeros.
void plant_row_corners(Tensor& t, int64_t n, Rng& r);

// Row lengths: log-uniform in [1, max_n]; for tile_edges, a multiple of `tile` +- 1, 1, or a
// prime.
int64_t row_length(std::string_view g, int64_t max_n, int64_t tile, Rng& r);

// An fp32 constant as the kernels see it.
double fp32(double x);

// Adds an integer in [-max_shift, max_shift] to every value of each row of t (rows of n),
// one integer per row; false when a shifted value is not exact in t's format (or not finite).
bool shift_rows(Tensor& t, int64_t n, int64_t max_shift, Rng& r);

// What each generator means for an op whose values come from values_for(g, in, scale) and
// whose row lengths come from row_length (`lengths`: what the op's lengths are, e.g. "row
// lengths up to 256"), for OpInfo::generator_notes; an op appends or overrides its own.
std::vector<std::pair<std::string, std::string>> value_notes(double scale,
                                                             const std::string& lengths);

// `notes` with note (g, text) put in place of g's.
std::vector<std::pair<std::string, std::string>> with_note(
    std::vector<std::pair<std::string, std::string>> notes, const std::string& g,
    const std::string& text);

}  // namespace numguard::ops
