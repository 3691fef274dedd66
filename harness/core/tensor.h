// A tensor: a format, a row-major shape and the bit patterns of its elements.
#pragma once

#include <cstdint>
#include <numeric>
#include <vector>

#include "harness/core/format.h"

namespace numguard {

struct Tensor {
  Format format = Format::fp32;
  std::vector<int64_t> shape;
  std::vector<uint64_t> bits;

  Tensor() = default;
  Tensor(Format f, std::vector<int64_t> s)
      : format(f), shape(std::move(s)), bits(static_cast<size_t>(count(shape)), 0) {}

  static int64_t count(const std::vector<int64_t>& s) {
    return std::accumulate(s.begin(), s.end(), int64_t{1}, std::multiplies<>());
  }
  size_t size() const { return bits.size(); }
  bool empty() const { return bits.empty(); }
  double value(size_t i, bool daz = false) const { return decode(format, bits[i], daz); }
  // All elements decoded exactly into doubles.
  std::vector<double> values(bool daz = false) const {
    std::vector<double> v(bits.size());
    for (size_t i = 0; i < bits.size(); ++i) v[i] = decode(format, bits[i], daz);
    return v;
  }
};

}  // namespace numguard
