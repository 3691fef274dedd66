// One conversion as `numguard convert` performs it: read a value (a real literal, or a bit
// pattern of the source format), round it once into the target format, and measure the
// error against the exact input. Reusable across lines so batch mode allocates nothing per
// value after warm-up.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "harness/core/format.h"
#include "harness/core/rounding.h"
#include "references/mpfr_value.h"

namespace numguard::cli {

// The longest value convert reads, in bytes, on the command line or as one line of stdin
// (README.md, "numguard convert"): far beyond any number's digits (a double's exact decimal
// has under 800), and it bounds the memory a line of stdin can take, whatever stdin holds.
inline constexpr size_t kMaxValueBytes = 4096;

struct ConvertSettings {
  Format to = Format::fp32;
  // When set, the input is first a value of this format: raw bits ("0x3c00"), or a literal
  // rounded into it RNE. The conversion (and its error) then starts from that value.
  std::optional<Format> from;
  Rounding mode = Rounding::rne;
  bool ftz = false;
  bool saturate = false;  // overflow to max finite; off keeps each format's default
  uint64_t seed = 0;      // stochastic rounding only
};

struct Conversion {
  const char* error = nullptr;  // set when the text is not a value; nothing else is then
  bool raw_bits = false;        // the text was a bit pattern of `from`
  uint64_t from_bits = 0;       // the input as a pattern of `from`, when `from` is set
  RoundResult result;
  double ulp_error = 0;  // exact_ulp_error()'s conventions: +inf where unbounded
};

// Strips blanks and a trailing carriage return (files written on Windows).
std::string_view trim(std::string_view text);

class Converter {
 public:
  explicit Converter(const ConvertSettings& settings);
  const ConvertSettings& settings() const { return s_; }

  // `text` must already be trimmed.
  Conversion convert(std::string_view text);

 private:
  bool read_exact(std::string_view text, const Unpacked& u);

  ConvertSettings s_;
  StochasticSource rng_;
  RoundOptions round_;
  // 192 bits: a decimal literal's error relative to its true value is then 2^-192, far below
  // what a printed ulp error can show.
  Mpfr exact_{192};
  Mpfr scratch_{320};
  std::string c_text_;  // NUL-terminated copy for MPFR, kept to reuse its capacity
};

}  // namespace numguard::cli
