// The --seed check shared by the verbs: CLI11 would wrap "-1" around to 2^64 - 1 and saturate
// a 25-digit number, giving a seed nobody meant that is then printed in every repro line.
#pragma once

#include <charconv>
#include <cstdint>
#include <string>

namespace numguard::cli {

// "" when s is a decimal integer in [0, 2^64 - 1], else the reason.
inline std::string seed_problem(const std::string& s) {
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 10);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size())
    return "must be a decimal integer in [0, 2^64 - 1]";
  return "";
}

}  // namespace numguard::cli
