// Writing what numguard-fuzz found as a reproducer file (harness/engine/reproducer_file.h)
// under <dir>/<kernel>/, named by the hash of the fuzz input so that finding the same input
// twice writes the same file.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "fuzz/fuzz_input.h"

namespace numguard::fuzz {

struct Written {
  std::string path;   // set on success
  std::string error;  // set on failure
};

Written write_regression(const std::string& dir, const FuzzCase& c, const std::string& found,
                         std::span<const uint8_t> bytes);

}  // namespace numguard::fuzz
