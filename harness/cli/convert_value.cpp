#include "harness/cli/convert_value.h"

#include <charconv>

#include "harness/cli/exact_ulp_error.h"

namespace numguard::cli {
namespace {

constexpr const char* kNotAValue =
    "not a value (expected a decimal such as 0.1 or -3e-8, a hex float such as 0x1.8p-3, "
    "inf or nan)";

bool starts_with_0x(std::string_view t) {
  return t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X');
}

// "0x3c00" names bits of --from; "0x1.8p-3" and "0x1p4" are hex float values.
bool looks_like_raw_bits(std::string_view t) {
  return starts_with_0x(t) && t.find_first_of(".pP") == std::string_view::npos;
}

const char* parse_bits(Format f, std::string_view t, uint64_t& bits) {
  const std::string_view hex = t.substr(2);
  const auto [end, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), bits, 16);
  if (end != hex.data() + hex.size()) return "not a bit pattern (expected hex digits after 0x)";
  if (ec == std::errc::result_out_of_range || (bits & ~desc(f).storage_mask()) != 0)
    return "bit pattern wider than the value's format";
  if (!is_canonical_encoding(f, bits))
    return "not an encoding of the value's format (tf32 keeps the low 13 bits zero)";
  return nullptr;
}

}  // namespace

std::string_view trim(std::string_view text) {
  const size_t b = text.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  return text.substr(b, text.find_last_not_of(" \t\r") - b + 1);
}

Converter::Converter(const ConvertSettings& settings) : s_(settings), rng_(settings.seed) {
  round_.mode = s_.mode;
  round_.ftz = s_.ftz;
  if (s_.saturate) round_.saturate = true;
  round_.rng = &rng_;
}

// Sets exact_ to the input value, exactly or to 192 bits.
bool Converter::read_exact(std::string_view text, const Unpacked& u) {
  switch (u.kind) {
    case Unpacked::Kind::nan:
      mpfr_set_nan(exact_);
      return true;
    case Unpacked::Kind::inf:
      mpfr_set_inf(exact_, u.negative ? -1 : 1);
      return true;
    case Unpacked::Kind::zero:
      mpfr_set_zero(exact_, u.negative ? -1 : 1);
      return true;
    case Unpacked::Kind::finite:
      break;
  }
  if (!u.sticky) {  // 64 bits held it all
    mpfr_set_uj(exact_, u.mant, MPFR_RNDN);
    mpfr_mul_2si(exact_, exact_, u.exp - 63, MPFR_RNDN);
    if (u.negative) mpfr_neg(exact_, exact_, MPFR_RNDN);
    return true;
  }
  c_text_.assign(text);
  char* end = nullptr;
  mpfr_strtofr(exact_, c_text_.c_str(), &end, 0, MPFR_RNDN);
  return end == c_text_.c_str() + c_text_.size();
}

Conversion Converter::convert(std::string_view text) {
  Conversion c;
  if (s_.from && looks_like_raw_bits(text)) {
    c.raw_bits = true;
    if ((c.error = parse_bits(*s_.from, text, c.from_bits))) return c;
  } else {
    const std::optional<Unpacked> u = parse_real(text);
    if (!u) {
      c.error = kNotAValue;
      return c;
    }
    if (!s_.from) {
      c.result = round_to(s_.to, *u, round_);
      if (!read_exact(text, *u))
        c.error = kNotAValue;
      else
        c.ulp_error = exact_ulp_error(s_.to, c.result.bits, exact_, scratch_);
      return c;
    }
    c.from_bits = round_to(*s_.from, *u).bits;
  }
  c.result = numguard::convert(*s_.from, c.from_bits, s_.to, round_);
  mpfr_set_d(exact_, decode(*s_.from, c.from_bits), MPFR_RNDN);
  c.ulp_error = exact_ulp_error(s_.to, c.result.bits, exact_, scratch_);
  return c;
}

}  // namespace numguard::cli
