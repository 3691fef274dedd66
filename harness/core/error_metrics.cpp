#include "harness/core/error_metrics.h"

#include <algorithm>
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

double normwise_rel_error(std::span<const double> y, std::span<const double> r) {
  double diff = 0, norm = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    double e;
    if (nan_pair(y[i], r[i], e)) {
      if (e != 0) return kInf;
      continue;
    }
    diff = std::max(diff, y[i] == r[i] ? 0.0 : std::fabs(y[i] - r[i]));
    norm = std::max(norm, std::fabs(r[i]));
  }
  if (diff == 0) return 0.0;
  return norm == 0 ? kInf : diff / norm;
}

double componentwise_rel_error(std::span<const double> y, std::span<const double> r) {
  double worst = 0;
  for (size_t i = 0; i < y.size(); ++i) worst = std::max(worst, rel_error(y[i], r[i]));
  return worst;
}

}  // namespace numguard
