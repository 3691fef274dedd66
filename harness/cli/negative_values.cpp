#include "harness/cli/negative_values.h"

#include <cctype>

#include "references/mpfr_value.h"

namespace numguard::cli {
namespace {

bool misread_as_option(const std::string& a) {
  if (a.size() < 2 || a[0] != '-' || std::isdigit(static_cast<unsigned char>(a[1]))) return false;
  if (a[1] == '-') return false;  // long options and "--"
  return parse_real(a).has_value();
}

}  // namespace

ProtectedArgs::ProtectedArgs(int argc, char** argv) {
  args_.reserve(static_cast<size_t>(argc));
  bool after_marker = false;  // after "--" CLI11 takes everything as a value already
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (i > 0 && !after_marker && misread_as_option(a)) a = " " + a;
    after_marker = after_marker || a == "--";
    args_.push_back(std::move(a));
  }
  for (std::string& a : args_) ptrs_.push_back(a.data());
}

}  // namespace numguard::cli
