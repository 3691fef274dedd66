#include "harness/core/error_metrics.h"

#include <limits>

namespace numguard {
namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

// NaN in either position makes an error measure infinite unless both are NaN.
bool nan_pair(double y, double r, double& out) {
  if (!std::isnan(y) && !std::isnan(r)) return false;
  out = std::isnan(y) && std::isnan(r) ? 0.0 : kInf;
  return true;
}
}  // namespace

double rel_error(double value, double reference) {
  double out;
  if (nan_pair(value, reference, out)) return out;
  if (value == reference) return 0.0;
  if (reference == 0 || std::isinf(reference)) return kInf;
  return std::fabs(value - reference) / std::fabs(reference);
}

}  // namespace numguard
