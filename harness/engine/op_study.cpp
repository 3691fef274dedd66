#include "harness/engine/op_study.h"

#include <algorithm>
#include <cmath>

#include "harness/engine/generators.h"

namespace numguard {

Tensor AccumulationInputs::tensor(std::vector<int64_t> shape, std::vector<uint64_t> bits) const {
  Tensor t(in, std::move(shape));
  t.bits = std::move(bits);
  return t;
}

Tensor AccumulationInputs::constant(std::vector<int64_t> shape, double v) const {
  Tensor t(in, std::move(shape));
  std::fill(t.bits.begin(), t.bits.end(), to_bits(in, v));
  return t;
}

Tensor AccumulationInputs::rows(int first, int64_t rows_, int64_t len) const {
  std::vector<uint64_t> bits;
  bits.reserve(static_cast<size_t>(rows_ * len));
  for (int64_t r = 0; r < rows_; ++r) {
    const std::vector<uint64_t> s = stream(first + static_cast<int>(r), len, false);
    bits.insert(bits.end(), s.begin(), s.end());
  }
  return tensor({rows_, len}, std::move(bits));
}

void RangePattern::draw(int i, std::vector<int64_t> shape, Rng& r,
                        const std::function<double(Rng&)>& f) {
  int64_t count = 1;
  for (int64_t d : shape) count *= d;
  std::vector<double> v(static_cast<size_t>(count));
  for (double& x : v) x = f(r);
  values[static_cast<size_t>(i)] = std::move(v);
  shapes[static_cast<size_t>(i)] = std::move(shape);
}

double overflow_threshold(Format f) {
  const FormatDesc& d = desc(f);
  return d.max_finite() + std::ldexp(1.0, d.emax() - d.precision);
}

double underflow_threshold(Format f) {
  return desc(f).min_subnormal() / 2;
}

CliffList::CliffList(Format in) : lo_(underflow_threshold(in)), hi_(desc(in).max_finite()) {}

void CliffList::add(std::string what, double at, const char* side) {
  // Only the cliffs the sweep can reach: inside the input format's range.
  if (!(std::isfinite(at) && at > 0) || at < lo_ || at > hi_) return;
  for (const Cliff& c : list_)
    if (c.what == what) return;
  list_.push_back({std::move(what), at, side});
}

std::vector<Cliff> CliffList::take() {
  std::stable_sort(list_.begin(), list_.end(),
                   [](const Cliff& a, const Cliff& b) { return a.at < b.at; });
  return std::move(list_);
}

}  // namespace numguard
