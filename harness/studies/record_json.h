// How study records hold numbers: JSON has no inf or NaN, and a report's reader asks "was it
// measured" (docs/report-schema.md), so a non-finite or absent value is null.
#pragma once

#include <cmath>
#include <optional>

#include <nlohmann/json.hpp>

namespace numguard::studies {

inline nlohmann::json finite_or_null(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

template <class T>
nlohmann::json value_or_null(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace numguard::studies
