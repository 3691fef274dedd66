// CLI11 reads "-inf", "-nan" or "-.5" as unknown short options (it lets only "-<digit>..."
// through as a value), yet `numguard convert --to fp16 -inf` should just work. Such tokens,
// when the whole token is a real literal, get a leading blank: CLI11 then sees a value, and
// every consumer of values (parse_real, strtod) skips leading blanks.
#pragma once

#include <string>
#include <vector>

namespace numguard::cli {

class ProtectedArgs {
 public:
  ProtectedArgs(int argc, char** argv);
  int argc() const { return static_cast<int>(ptrs_.size()); }
  char** argv() { return ptrs_.data(); }

 private:
  std::vector<std::string> args_;
  std::vector<char*> ptrs_;
};

}  // namespace numguard::cli
