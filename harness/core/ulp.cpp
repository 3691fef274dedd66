#include "harness/core/ulp.h"

#include <cmath>
#include <limits>

namespace numguard {
namespace {

// Position of a non-NaN pattern on the number line, counting representable values.
int64_t ordinal(const FormatDesc& d, uint64_t bits) {
  const int64_t mag =
      static_cast<int64_t>((bits & ~d.sign_mask() & d.storage_mask()) >> d.pad_bits());
  return (bits & d.sign_mask()) ? -mag : mag;
}

}  // namespace

double ulp_distance(Format f, uint64_t a, uint64_t b) {
  const bool na = is_nan(f, a), nb = is_nan(f, b);
  if (na || nb) return na && nb ? 0.0 : std::numeric_limits<double>::infinity();
  const FormatDesc& d = desc(f);
  const int64_t ia = ordinal(d, a), ib = ordinal(d, b);
  return static_cast<double>(ia > ib ? ia - ib : ib - ia);
}

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
