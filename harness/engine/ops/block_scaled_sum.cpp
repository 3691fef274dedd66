#include "harness/engine/ops/block_scaled_sum.h"

#include <algorithm>
#include <climits>
#include <cmath>

namespace numguard::ops {

BlockScaledSum block_scaled_sum(Format element, Format scale, int block,
                                std::span<const uint64_t> x, std::span<const uint64_t> y,
                                std::span<const uint64_t> sx, std::span<const uint64_t> sy,
                                double tensor_scale) {
  BlockScaledSum r;
  const auto k = static_cast<int64_t>(x.size());
  bool nan = false, pos_inf = false, neg_inf = false;
  for (int64_t l = 0; l < k; ++l) {
    const auto b = static_cast<size_t>(l / block);
    const double a = decode(element, x[static_cast<size_t>(l)]);
    const double c = decode(element, y[static_cast<size_t>(l)]);
    nan = nan || std::isnan(decode(scale, sx[b])) || std::isnan(decode(scale, sy[b]));
    if (std::isnan(a) || std::isnan(c))
      nan = true;
    else if (std::isinf(a) || std::isinf(c))
      (a == 0 || c == 0 ? nan : std::signbit(a) != std::signbit(c) ? neg_inf : pos_inf) = true;
  }
  if (nan || (pos_inf && neg_inf))
    r.special = NAN;
  else if (pos_inf || neg_inf)
    r.special = pos_inf ? INFINITY : -INFINITY;
  if (r.special) return r;
  // Per scale block: the elements' products summed in double with TwoSum's error check (exact
  // for fp8 and fp4 elements, whose products span few bits; an inexact block is summed again
  // exactly), times the two block scales (exact: powers of two, or UE4M3's 4-bit
  // significands), then one exact addition per block.
  for (int64_t lo = 0; lo < k; lo += block) {
    const auto b = static_cast<size_t>(lo / block);
    const double s = decode(scale, sx[b]) * decode(scale, sy[b]);
    const int64_t hi = std::min<int64_t>(k, lo + block);
    double sum = 0, abs = 0;
    bool exact = true;
    for (int64_t l = lo; l < hi; ++l) {
      const double t =
          decode(element, x[static_cast<size_t>(l)]) * decode(element, y[static_cast<size_t>(l)]);
      const double u = sum + t;  // TwoSum: the rounding error of sum + t
      const double bb = u - sum;
      exact = exact && (sum - (u - bb)) + (t - bb) == 0;
      sum = u;
      abs += std::fabs(t);
    }
    ExactReal term = ExactReal::from_double(sum * s);
    if (!exact || !std::isfinite(sum * s)) {
      term = ExactReal::from_double(0.0);
      for (int64_t l = lo; l < hi; ++l)
        term = add(term,
                   mul(mul(ExactReal::from_double(decode(element, x[static_cast<size_t>(l)])),
                           decode(element, y[static_cast<size_t>(l)])),
                       s),
                   Rounding::rne);
    }
    if (tensor_scale != 1.0) term = mul(term, tensor_scale);
    r.exact = add(r.exact, term, Rounding::rne);
    r.abs_sum += abs * std::fabs(s) * tensor_scale;
  }
  r.abs_sum *= 1 + 0x1p-50;  // the double sums of |t| rounded up
  return r;
}

double zero_group_error(Format element, Format scale, int scale_block, int mma_block, int group,
                        int frac_bits, std::span<const uint64_t> x, std::span<const uint64_t> y,
                        std::span<const uint64_t> sx, std::span<const uint64_t> sy) {
  if (group <= 0 || mma_block <= 0) return 0.0;
  const int64_t k = static_cast<int64_t>(x.size());
  const int emin_s = desc(scale).emin();  // a subnormal UE4M3 scale counts at its emin
  double error = 0;
  for (int64_t lo = 0; lo < k; lo += mma_block) {
    int e_nonzero = INT_MIN, e_zero_group = INT_MIN;
    for (int64_t g = lo; g < std::min(k, lo + mma_block); g += group) {
      const auto s = static_cast<size_t>(g / scale_block);
      const double a = decode(scale, sx[s]), b = decode(scale, sy[s]);
      if (a == 0 || b == 0 || !std::isfinite(a) || !std::isfinite(b)) continue;
      const int e = std::max(std::ilogb(a), emin_s) + std::max(std::ilogb(b), emin_s);
      bool zero = true;
      for (int64_t l = g; l < std::min(k, g + group) && zero; ++l)
        zero = decode(element, x[static_cast<size_t>(l)]) == 0 ||
               decode(element, y[static_cast<size_t>(l)]) == 0;
      (zero ? e_zero_group : e_nonzero) = std::max(zero ? e_zero_group : e_nonzero, e);
    }
    if (e_zero_group != INT_MIN && e_zero_group > e_nonzero)
      error += (mma_block / group + 1) * std::ldexp(1.0, e_zero_group - frac_bits);
  }
  return error;
}

}  // namespace numguard::ops
