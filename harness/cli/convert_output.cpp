#include "harness/cli/convert_output.h"

#include <cmath>
#include <iterator>

#include "harness/cli/number_text.h"

namespace numguard::cli {
namespace {

void append_json_string(fmt::memory_buffer& out, std::string_view s) {
  out.push_back('"');
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(ch);
    } else if (c < 0x20) {
      fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
    } else {
      out.push_back(ch);
    }
  }
  out.push_back('"');
}

}  // namespace

void append_text(fmt::memory_buffer& out, std::string_view input, const ConvertSettings& s,
                 const Conversion& c) {
  auto it = std::back_inserter(out);
  fmt::format_to(it, "{}", input);
  if (s.from)
    fmt::format_to(it, " = {} {} ({})", name(*s.from),
                   shortest_decimal(*s.from, c.from_bits).view(),
                   bits_hex(*s.from, c.from_bits).view());
  fmt::format_to(it, " -> {} {} ({}, bits {}), error ", name(s.to),
                 shortest_decimal(s.to, c.result.bits).view(),
                 hex_float(s.to, c.result.bits).view(), bits_hex(s.to, c.result.bits).view());
  if (std::isinf(c.ulp_error))
    fmt::format_to(it, "inf");
  else
    fmt::format_to(it, "{:.4g} ulp", c.ulp_error);
  if (c.result.overflow) fmt::format_to(it, ", overflow");
  if (c.result.underflow) fmt::format_to(it, ", underflow");
  out.push_back('\n');
}

void append_json(fmt::memory_buffer& out, std::string_view input, const ConvertSettings& s,
                 const Conversion& c) {
  auto it = std::back_inserter(out);
  fmt::format_to(it, "{{\"input\":");
  append_json_string(out, input);
  if (s.from)
    fmt::format_to(it, R"(,"from":"{}","from_value":"{}","from_bits":"{}")", name(*s.from),
                   shortest_decimal(*s.from, c.from_bits).view(),
                   bits_hex(*s.from, c.from_bits).view());
  fmt::format_to(it, R"(,"to":"{}","value":"{}","hex":"{}","bits":"{}","ulp_error":)", name(s.to),
                 shortest_decimal(s.to, c.result.bits).view(),
                 hex_float(s.to, c.result.bits).view(), bits_hex(s.to, c.result.bits).view());
  // JSON has no infinity: an unbounded error is the string "inf".
  if (std::isinf(c.ulp_error))
    fmt::format_to(it, "\"inf\"");
  else
    fmt::format_to(it, "{}", c.ulp_error);
  fmt::format_to(it, R"(,"inexact":{},"overflow":{},"underflow":{}}})", c.result.inexact,
                 c.result.overflow, c.result.underflow);
  out.push_back('\n');
}

}  // namespace numguard::cli
