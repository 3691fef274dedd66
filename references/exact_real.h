// Exact binary reals of any width with IEEE 754 special values, for the GEMM epilogue of the
// fixed-point reference: alpha * (exact dot) + beta * c needs a product of a window-wide
// integer by a 53-bit significand and a sum of two terms whose exponents may differ by
// thousands of bits, which no fixed window covers cheaply.
#pragma once

#include <cstdint>
#include <vector>

#include "harness/core/rounding.h"

namespace numguard {

struct ExactReal {
  Unpacked::Kind kind = Unpacked::Kind::zero;
  bool negative = false;
  int64_t lsb_exp = 0;        // value = mag * 2^lsb_exp
  std::vector<uint64_t> mag;  // little-endian 64-bit limbs, nonzero when kind == finite

  static ExactReal from_double(double x);
  Unpacked unpacked() const;
};

// Exact x * d with IEEE 754 rules for NaN, inf * 0 and the sign of zero.
ExactReal mul(const ExactReal& x, double d);
// Exact x + y with IEEE 754 rules; `mode` decides the sign of an exact zero sum (6.3).
ExactReal add(const ExactReal& x, const ExactReal& y, Rounding mode);

}  // namespace numguard
