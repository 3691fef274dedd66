// User text inside a one-line message (a usage error, a refused file): every control
// character (newline, carriage return, escape, ...) and DEL is shown as \xNN, so that the
// message stays one line on stderr and cannot move a terminal's cursor. Other bytes, UTF-8
// included, are kept as they are.
#pragma once

#include <string>
#include <string_view>

namespace numguard {

inline std::string printable(std::string_view text) {
  constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += ch;
    }
  }
  return out;
}

}  // namespace numguard
