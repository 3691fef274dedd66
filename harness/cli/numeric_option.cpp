#include "harness/cli/numeric_option.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace numguard::cli {

CLI::Validator integer_in(int64_t lo, int64_t hi) {
  const std::string range = fmt::format("an integer in [{}, {}]", lo, hi);
  return CLI::Validator(
      [lo, hi, range](std::string& s) -> std::string {
        int64_t v = 0;
        const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 10);
        if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v < lo || v > hi)
          return "must be " + range;
        return "";
      },
      range);
}

CLI::Validator number_in(double lo, double hi, bool lo_open) {
  const std::string range = fmt::format("a number in {}{:g}, {:g}]", lo_open ? "(" : "[", lo, hi);
  return CLI::Validator(
      [lo, hi, lo_open, range](std::string& s) -> std::string {
        char* end = nullptr;
        const double v = s.empty() ? NAN : std::strtod(s.c_str(), &end);
        const bool whole = !s.empty() && end == s.c_str() + s.size();
        if (!whole || !std::isfinite(v) || v > hi || v < lo || (lo_open && v == lo))
          return "must be " + range;
        return "";
      },
      range);
}

}  // namespace numguard::cli
