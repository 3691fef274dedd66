// numguard-fuzz-convert-value: the value reader of `numguard convert` (harness/cli/
// convert_value.h) on arbitrary text, as a command-line value or as stdin's lines, under
// settings drawn from the input. Properties:
//  - an accepted value prints as exactly one line of text and one of JSON;
//  - what it prints reads back: the shortest decimal and the hex float of the result (and of
//    the --from value) convert back, RNE into the same format, to the same bits (NaN to a
//    NaN: the text "nan" has no payload), and a --from bit pattern prints as the same bits;
//  - the error is a number >= 0, and within the rounding mode's promise where there is one
//    (no flush, no saturation, no overflow): <= 1/2 ulp for rne and rna, <= 1 ulp for the
//    directed and stochastic modes. The value is read twice, by parse_real for rounding and
//    by MPFR for the error, so a reader that misreads a literal shows up here.
// Input: byte 0 the target format, 1 the source format (or none), 2 the mode, 3 flags (ftz,
// saturate, stdin lines), 4..11 the seed, the rest the text. Seeds: corpus/seeds/convert-value/.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "harness/cli/convert_output.h"
#include "harness/cli/convert_value.h"
#include "harness/cli/number_text.h"

namespace numguard::cli {
namespace {

constexpr size_t kHeader = 12;
constexpr Format kFormats[] = {Format::fp64, Format::fp32, Format::tf32, Format::bf16,
                               Format::fp16, Format::e4m3, Format::e5m2};
constexpr Rounding kModes[] = {Rounding::rne, Rounding::rz,  Rounding::ru,
                               Rounding::rd,  Rounding::rna, Rounding::sr};

[[noreturn]] void failed(const std::string& what, std::string_view value) {
  std::fprintf(stderr, "convert-value fuzz: property failed: %s\n  value: '%.*s'\n", what.c_str(),
               static_cast<int>(std::min<size_t>(value.size(), 200)), value.data());
  std::abort();
}

bool one_line(const fmt::memory_buffer& b) {
  const std::string_view s(b.data(), b.size());
  return s.size() > 1 && s.find('\n') == s.size() - 1;
}

// Converts `text` back into f, RNE, as `numguard convert --to f TEXT` would.
uint64_t read_back(Format f, std::string_view text, std::string_view value) {
  Converter back(ConvertSettings{.to = f});
  const Conversion c = back.convert(text);
  if (c.error)
    failed(fmt::format("printed '{}' ({}) is refused: {}", text, name(f), c.error), value);
  return c.result.bits;
}

// f's printed forms of `bits` read back as `bits`.
void check_prints(Format f, uint64_t bits, std::string_view value) {
  const NumberText forms[] = {shortest_decimal(f, bits), hex_float(f, bits)};
  for (const NumberText& t : forms) {
    const uint64_t got = read_back(f, t.view(), value);
    const bool same = is_nan(f, bits) ? is_nan(f, got) : got == bits;
    if (!same)
      failed(fmt::format("{} {} prints as '{}', which reads back as {}", name(f),
                         bits_hex(f, bits).view(), t.view(), bits_hex(f, got).view()),
             value);
  }
}

void check(Converter& converter, std::string_view text) {
  const ConvertSettings& s = converter.settings();
  const Conversion c = converter.convert(text);
  if (c.error) return;  // refused; the verb prints its constant message

  fmt::memory_buffer line, json;
  append_text(line, text, s, c);
  append_json(json, text, s, c);
  if (!one_line(line) || !one_line(json))
    failed(
        fmt::format("the output is not one line: {}", std::string_view(line.data(), line.size())),
        text);

  check_prints(s.to, c.result.bits, text);
  if (s.from) {
    check_prints(*s.from, c.from_bits, text);
    // The bit pattern as printed, given back with --from, is the same pattern.
    Converter raw(ConvertSettings{.to = *s.from, .from = s.from});
    const Conversion r = raw.convert(bits_hex(*s.from, c.from_bits).view());
    if (r.error || !r.raw_bits || r.from_bits != c.from_bits)
      failed(fmt::format("--from {} bits {} do not read back", name(*s.from),
                         bits_hex(*s.from, c.from_bits).view()),
             text);
  }

  if (std::isnan(c.ulp_error) || c.ulp_error < 0)
    failed(fmt::format("ulp error {}", c.ulp_error), text);
  const bool promised =
      !s.ftz && !s.saturate && !c.result.overflow && is_finite(s.to, c.result.bits);
  const double limit = s.mode == Rounding::rne || s.mode == Rounding::rna ? 0.5 : 1.0;
  if (promised && c.ulp_error > limit)
    failed(fmt::format("{} in {}: {} gives {} with an error of {} ulp (more than {})", name(s.mode),
                       name(s.to), text, shortest_decimal(s.to, c.result.bits).view(), c.ulp_error,
                       limit),
           text);
}

uint8_t byte_at(const uint8_t* data, size_t size, size_t at) {
  return at < size ? data[at] : 0;
}

}  // namespace
}  // namespace numguard::cli

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace numguard::cli;
  using numguard::Format;
  ConvertSettings s;
  s.to = kFormats[byte_at(data, size, 0) % std::size(kFormats)];
  if (const uint8_t from = byte_at(data, size, 1) % (std::size(kFormats) + 1); from > 0)
    s.from = kFormats[from - 1];
  s.mode = kModes[byte_at(data, size, 2) % std::size(kModes)];
  const uint8_t flags = byte_at(data, size, 3);
  s.ftz = flags & 1;
  s.saturate = flags & 2;
  const bool lines = flags & 4;
  for (size_t i = 0; i < 8; ++i) s.seed |= uint64_t{byte_at(data, size, 4 + i)} << (8 * i);
  const std::string_view text =
      size > kHeader
          ? std::string_view(reinterpret_cast<const char*>(data) + kHeader, size - kHeader)
          : std::string_view();

  // One converter for all values, as verb_convert.cpp uses it (stochastic rounding's state
  // carries over from value to value).
  Converter converter(s);
  if (!lines) {
    check(converter, trim(text));
    return 0;
  }
  // Batch mode's reading: lines, blank ones and # comments skipped.
  size_t start = 0;
  while (start <= text.size()) {
    const size_t nl = std::min(text.find('\n', start), text.size());
    const std::string_view line = trim(text.substr(start, nl - start));
    if (!line.empty() && line.front() != '#') check(converter, line);
    start = nl + 1;
  }
  return 0;
}
