// JSON has no infinity or NaN. Every verb writes them the same way, as the strings "inf",
// "-inf" and "nan" (as `numguard convert --json` does for ulp_error), so that a reader can
// tell "unbounded" from "absent" (null).
#pragma once

#include <cmath>
#include <nlohmann/json.hpp>

namespace numguard::cli {

inline nlohmann::json json_number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return v;
}

}  // namespace numguard::cli
