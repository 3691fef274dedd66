// The constants `numguard formats` prints, all derived from the descriptor table, plus the
// exp() range cliffs that decide where softmax, GELU and friends overflow or flush.
#pragma once

#include <cstdint>
#include <string_view>

#include "harness/core/format.h"

namespace numguard::cli {

struct FormatConstants {
  const FormatDesc* desc;
  double max_finite, min_normal, min_subnormal, eps, u;
  // exp(x) rounds (RNE) past the largest finite value for x above exp_overflow =
  // ln(max_finite + ulp/2); the result is inf, or NaN in e4m3fn, which has no inf (the value
  // is max_finite with --saturate).
  double exp_overflow;
  std::string_view exp_overflow_result;  // "inf", "nan" or "max" (saturating)
  // exp(x) rounds to a subnormal below ln(min_normal - min_subnormal/2), and to zero at or
  // below ln(min_subnormal/2) (the tie goes to even, i.e. to zero).
  double exp_subnormal;
  double exp_zero;
};

FormatConstants constants_of(Format f);

}  // namespace numguard::cli
