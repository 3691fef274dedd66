// The checks every numeric option goes through: the raw text must be a whole number (or a
// finite decimal number) within an explicit range. CLI11 alone would accept "nan" and "inf"
// for a double, wrap "-1" around for an unsigned, saturate an integer that overflows, and
// take an empty value as "unset".
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>

namespace numguard::cli {

// An integer in [lo, hi], decimal, nothing else on the line.
CLI::Validator integer_in(int64_t lo, int64_t hi);
// A finite number in [lo, hi] (lo_open: lo itself excluded).
CLI::Validator number_in(double lo, double hi, bool lo_open = false);

}  // namespace numguard::cli
