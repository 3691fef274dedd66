// Error of a rounded result against the exact value it came from, in ulps of the target
// format at the exact value: ulp_of()'s convention (subnormal spacing at and below the
// smallest normal, the top binade's spacing beyond the largest finite value), but computed in
// MPFR, because the exact value of a decimal literal is not a double.
#pragma once

#include <mpfr.h>

#include <cstdint>

#include "harness/core/format.h"

namespace numguard::cli {

// Returns 0 when both are the same infinity or both NaN, +inf when the result is infinite or
// NaN and the exact value is not (or vice versa), else |result - exact| / ulp rounded to
// double. `scratch` is caller-owned working storage (any precision; 320 bits is plenty).
double exact_ulp_error(Format to, uint64_t result_bits, mpfr_srcptr exact, mpfr_ptr scratch);

}  // namespace numguard::cli
