// Error measures for scalars and vectors. NaN conventions follow ulp.h.
#pragma once

#include <cmath>
#include <span>

namespace numguard {

inline double bits_of_error(double ulps) {
  return std::log2(ulps + 1.0);
}
inline double abs_error(double value, double reference) {
  return std::fabs(value - reference);
}
// Relative error; 0 when both are zero, infinite for a nonzero value against a zero reference.
double rel_error(double value, double reference);

// max_i |y_i - r_i| / max_i |r_i|: the normwise (infinity-norm) relative error.
double normwise_rel_error(std::span<const double> y, std::span<const double> r);
// max_i |y_i - r_i| / |r_i|: the componentwise relative error.
double componentwise_rel_error(std::span<const double> y, std::span<const double> r);

}  // namespace numguard
