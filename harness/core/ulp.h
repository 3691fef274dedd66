// ULP measures in a given format. Conventions: NaN against NaN is 0; NaN against a number (or
// inf against a finite value) is infinite.
#pragma once

#include <cstdint>

#include "harness/core/format.h"

namespace numguard {

// Spacing of f at the real x: 2^(max(floor(log2|x|), emin) - (p-1)). Beyond the largest
// finite binade the top binade's spacing is used; ulp_of(f, 0) is the subnormal spacing.
double ulp_of(Format f, double x);

// |value - reference| in ulps of f at the reference. The reference is the exact result
// rounded to double, which is exact to 2^-53 relative: far below one ulp of any format
// narrower than fp64.
double ulp_error(Format f, double value, double reference);

}  // namespace numguard
