// How `numguard convert` prints one conversion: a line of text for people, or one JSON
// object per line for scripts (keys documented in README.md). Appends to a caller-owned
// buffer so batch output is written in large blocks.
#pragma once

#include <fmt/format.h>

#include <string_view>

#include "harness/cli/convert_value.h"

namespace numguard::cli {

void append_text(fmt::memory_buffer& out, std::string_view input, const ConvertSettings& s,
                 const Conversion& c);
void append_json(fmt::memory_buffer& out, std::string_view input, const ConvertSettings& s,
                 const Conversion& c);

}  // namespace numguard::cli
