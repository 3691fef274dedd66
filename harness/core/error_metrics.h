// Error measures for scalars. NaN conventions follow ulp.h.
#pragma once

#include <cmath>

namespace numguard {

// Relative error; 0 when both are zero, infinite for a nonzero value against a zero reference.
double rel_error(double value, double reference);

}  // namespace numguard
