#include "harness/engine/output_sampling.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <unordered_set>

#include "harness/engine/random.h"

namespace numguard {
namespace {

SampleSetting g_setting;

constexpr std::array<int64_t, 5> kTiles = {256, 128, 64, 32, 16};

// Lines (rows or columns) of an extent-long dimension at level `upto` (0: the ends only;
// t >= 1: the ends and every tile boundary q T - 1, q T for the first t tile sizes).
std::vector<int64_t> boundary_lines(int64_t extent, size_t upto) {
  std::set<int64_t> s = {0, extent - 1};
  for (size_t t = 0; t < upto && t < kTiles.size(); ++t)
    for (int64_t b = kTiles[t]; b < extent; b += kTiles[t]) {
      s.insert(b - 1);
      s.insert(b);
    }
  return {s.begin(), s.end()};
}

// Rows of `t` (an r x c operand) with the largest and smallest sum of squares.
std::vector<int64_t> extreme_rows(const Tensor& t, int64_t r, int64_t c, bool columns) {
  if (t.empty() || static_cast<int64_t>(t.size()) != r * c) return {};
  std::vector<double> norm(static_cast<size_t>(columns ? c : r), 0.0);
  for (int64_t i = 0; i < r; ++i)
    for (int64_t j = 0; j < c; ++j) {
      const double v = t.value(static_cast<size_t>(i * c + j));
      if (std::isfinite(v)) norm[static_cast<size_t>(columns ? j : i)] += v * v;
    }
  const auto [lo, hi] = std::minmax_element(norm.begin(), norm.end());
  return {static_cast<int64_t>(lo - norm.begin()), static_cast<int64_t>(hi - norm.begin())};
}

uint64_t inputs_hash(const Problem& p) {
  uint64_t h = mix64(static_cast<uint64_t>(p.m) * 31 + static_cast<uint64_t>(p.n) * 17 +
                     static_cast<uint64_t>(p.k));
  for (const Tensor* t : {&p.a, &p.b})
    for (size_t i = 0; i < t->size(); i += std::max<size_t>(1, t->size() / 64))
      h = mix64(h ^ t->bits[i]);
  return h;
}

}  // namespace

void set_sample_setting(SampleSetting s) {
  g_setting = s;
}
const SampleSetting& sample_setting() {
  return g_setting;
}

OutputSample sample_of(const OpInfo& op, const Problem& p, int64_t count) {
  const std::vector<int64_t> shape = op.out_shape(p);
  const auto total = static_cast<int64_t>(Tensor::count(shape));
  const int64_t rows = shape.size() == 2 ? shape[0] : 1;
  const int64_t cols = shape.size() == 2 ? shape[1] : total;
  std::unordered_set<size_t> chosen;
  std::vector<size_t> order;
  auto add = [&](int64_t i, int64_t j) {
    if (i < 0 || j < 0 || i >= rows || j >= cols) return;
    if (static_cast<int64_t>(chosen.size()) >= count) return;
    const auto e = static_cast<size_t>(i * cols + j);
    if (chosen.insert(e).second) order.push_back(e);
  };
  const int64_t structured_budget = std::max<int64_t>(count / 2, std::min<int64_t>(count, 4));
  auto room = [&] { return structured_budget - static_cast<int64_t>(chosen.size()); };
  // 1. Tile corners, coarse levels first; the first level that does not fit is strided.
  for (size_t level = 0; level <= kTiles.size() && room() > 0; ++level) {
    const std::vector<int64_t> r = boundary_lines(rows, level), c = boundary_lines(cols, level);
    const int64_t grid = static_cast<int64_t>(r.size() * c.size());
    const int64_t stride = grid <= room() ? 1 : (grid + room() - 1) / room();
    for (int64_t g = 0; g < grid && room() > 0; g += stride)
      add(r[static_cast<size_t>(g) / c.size()], c[static_cast<size_t>(g) % c.size()]);
    if (stride > 1) break;
  }
  // The first and last rows and columns, evenly spaced; extreme-norm rows and columns.
  const int64_t per_edge = std::max<int64_t>(count / 32, 1);
  for (int64_t q = 0; q < per_edge; ++q) {
    const int64_t j = q * cols / per_edge, i = q * rows / per_edge;
    add(0, j);
    add(rows - 1, j);
    add(i, 0);
    add(i, cols - 1);
  }
  const Operand* a = op.schema.operand('a');
  const Operand* b = op.schema.operand('b');
  if (shape.size() == 2 && a && a->shape.size() == 2 && a->shape[0] == op.schema.out.front()) {
    const std::vector<int64_t> c = boundary_lines(cols, 1);
    for (int64_t i : extreme_rows(p.a, value(a->shape[0], p), value(a->shape[1], p), false))
      for (int64_t j : c) add(i, j);
  }
  if (shape.size() == 2 && b && b->shape.size() == 2 && op.schema.out.size() == 2 &&
      b->shape[1] == op.schema.out[1] && b->shape[0] != b->shape[1]) {
    const std::vector<int64_t> r = boundary_lines(rows, 1);
    for (int64_t j : extreme_rows(p.b, value(b->shape[0], p), value(b->shape[1], p), true))
      for (int64_t i : r) add(i, j);
  }
  const size_t structured = chosen.size();
  // 2. Uniformly random elements to `count`; for row-sampled ops, in a random subset of rows,
  // about 64 elements a row (at most half a row), so that the judge computes few rows.
  Rng rng(inputs_hash(p));
  if (op.row_sampling && rows > 1) {
    const int64_t per_row = std::clamp<int64_t>(cols / 2, 1, 64);
    const int64_t want =
        std::clamp<int64_t>((count - static_cast<int64_t>(chosen.size()) + per_row - 1) / per_row,
                            std::min<int64_t>(rows, 8), rows);
    if (want < rows) {
      std::vector<int64_t> picked;
      std::unordered_set<int64_t> seen;
      while (static_cast<int64_t>(picked.size()) < want) {
        const auto i = static_cast<int64_t>(rng.bits() % static_cast<uint64_t>(rows));
        if (seen.insert(i).second) picked.push_back(i);
      }
      // want * cols >= 2 (count - structured) elements to draw from: the loop ends.
      while (static_cast<int64_t>(chosen.size()) < count) {
        const int64_t i = picked[rng.bits() % picked.size()];
        const auto j = static_cast<int64_t>(rng.bits() % static_cast<uint64_t>(cols));
        const auto e = static_cast<size_t>(i * cols + j);
        if (chosen.insert(e).second) order.push_back(e);
      }
    }
  }
  while (static_cast<int64_t>(chosen.size()) < count) {
    const auto e = static_cast<size_t>(rng.bits() % static_cast<uint64_t>(total));
    if (chosen.insert(e).second) order.push_back(e);
  }
  std::sort(order.begin(), order.end());
  return OutputSample(static_cast<size_t>(total), std::move(order), structured);
}

std::optional<OutputSample> choose_sample(const OpInfo& op, const Problem& p) {
  const auto total = static_cast<int64_t>(Tensor::count(op.out_shape(p)));
  const int64_t count = g_setting.automatic ? (total <= kAutoFullElements ? total : kDefaultSample)
                                            : g_setting.count.value_or(total);
  if (count >= total) return std::nullopt;
  return sample_of(op, p, count);
}

}  // namespace numguard
