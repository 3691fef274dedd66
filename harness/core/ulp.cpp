#include "harness/core/ulp.h"

#include <cmath>
#include <limits>

namespace numguard {

double ulp_of(Format f, double x) {
  const FormatDesc& d = desc(f);
  int e = d.emin();
  if (x != 0 && std::isfinite(x)) e = std::max(std::ilogb(x), d.emin());
  if (!std::isfinite(x) || e > d.emax()) e = d.emax();
  return std::ldexp(1.0, e - (d.precision - 1));
}

double ulp_error(Format f, double value, double reference) {
  const double inf = std::numeric_limits<double>::infinity();
  if (std::isnan(value) || std::isnan(reference))
    return std::isnan(value) && std::isnan(reference) ? 0.0 : inf;
  if (std::isinf(value) || std::isinf(reference)) return value == reference ? 0.0 : inf;
  return std::fabs(value - reference) / ulp_of(f, reference);
}

}  // namespace numguard
