#include "harness/cli/number_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string>
#include <string_view>

#include "harness/core/rounding.h"
#include "references/mpfr_value.h"

namespace numguard::cli {
namespace {

NumberText from_literal(std::string_view s) {
  NumberText t;
  std::memcpy(t.data(), s.data(), s.size());
  t.set_size(s.size());
  return t;
}

// Non-finite spellings shared by all three forms; nullopt-like empty text for finite values.
bool non_finite(Format f, uint64_t bits, NumberText& out) {
  switch (classify(f, bits)) {
    case FpClass::nan:
      out = from_literal("nan");
      return true;
    case FpClass::inf:
      out = from_literal(sign_bit(f, bits) ? "-inf" : "inf");
      return true;
    default:
      return false;
  }
}

int decimal_width(unsigned v) {
  int n = 1;
  while (v >= 10) v /= 10, ++n;
  return n;
}

// digits * 10^exp10 in std::to_chars's plain style: fixed or scientific, whichever is shorter
// (fixed on a tie), scientific exponents with at least two digits.
NumberText write_decimal(bool negative, uint64_t digits, int exp10) {
  while (digits != 0 && digits % 10 == 0) digits /= 10, ++exp10;
  char d[24];
  const int n = static_cast<int>(std::to_chars(d, d + sizeof d, digits).ptr - d);
  const int lead = exp10 + n - 1;  // decimal exponent of the leading digit
  const unsigned abs_lead = static_cast<unsigned>(lead < 0 ? -lead : lead);
  const int sci_len = n + (n > 1) + 2 + std::max(2, decimal_width(abs_lead));
  const int fixed_len = exp10 >= 0 ? n + exp10 : lead >= 0 ? n + 1 : 2 + (-lead - 1) + n;

  NumberText t;
  char* p = t.data();
  if (negative) *p++ = '-';
  if (digits == 0) {
    *p++ = '0';
  } else if (fixed_len <= sci_len) {
    if (exp10 >= 0) {
      p = std::copy(d, d + n, p);
      p = std::fill_n(p, exp10, '0');
    } else if (lead >= 0) {
      p = std::copy(d, d + lead + 1, p);
      *p++ = '.';
      p = std::copy(d + lead + 1, d + n, p);
    } else {
      *p++ = '0';
      *p++ = '.';
      p = std::fill_n(p, -lead - 1, '0');
      p = std::copy(d, d + n, p);
    }
  } else {
    *p++ = d[0];
    if (n > 1) {
      *p++ = '.';
      p = std::copy(d + 1, d + n, p);
    }
    *p++ = 'e';
    *p++ = lead < 0 ? '-' : '+';
    if (abs_lead < 10) *p++ = '0';
    p = std::to_chars(p, p + 8, abs_lead).ptr;
  }
  t.set_size(static_cast<size_t>(p - t.data()));
  return t;
}

// True when y lies exactly halfway between two neighbours of f: an odd multiple of half an
// ulp. Only there can the detour decimal -> double -> f round differently from decimal -> f.
bool is_midpoint(const FormatDesc& d, double y) {
  if (y == 0 || !std::isfinite(y)) return false;
  const int e = std::max(std::ilogb(y), d.emin());
  const double halves = std::ldexp(std::fabs(y), d.precision - e);  // y / (ulp/2)
  return halves == std::floor(halves) && std::fmod(halves, 2.0) == 1.0;
}

// Does the decimal literal s read back to the positive pattern `bits` of f under RNE?
// strtod-style parsing is exact unless the double lands on a midpoint; then ask MPFR.
bool reads_back(Format f, uint64_t bits, std::string_view s) {
  double y = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), y);
  if (ec == std::errc() && !is_midpoint(desc(f), y)) return round_double(f, y).bits == bits;
  const auto exact = parse_real(s);
  return exact && round_to(f, *exact).bits == bits;
}

uint64_t pow10(int n) {
  uint64_t p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

// Shortest round trip for formats std::to_chars does not know (tf32, bf16, fp16, fp8):
// try 1, 2, ... significant digits, each time the nearest decimal and its neighbour on the
// other side of the value (near a power of two the round-trip interval is lopsided, so the
// nearest may fail where the neighbour succeeds).
NumberText shortest_generic(Format f, uint64_t magnitude_bits, double v, bool negative) {
  for (int digits = 1; digits <= 17; ++digits) {
    char sci[40];
    const auto r =
        std::to_chars(sci, sci + sizeof sci, v, std::chars_format::scientific, digits - 1);
    std::string_view text(sci, static_cast<size_t>(r.ptr - sci));
    const size_t e_at = text.find('e');
    uint64_t m = 0;
    for (char c : text.substr(0, e_at))
      if (c != '.') m = m * 10 + static_cast<uint64_t>(c - '0');
    int exp10 = 0;
    const std::string_view exp_text = text.substr(e_at + 1);
    std::from_chars(exp_text.data() + (exp_text[0] == '+'), exp_text.data() + exp_text.size(),
                    exp10);
    exp10 -= digits - 1;

    const auto candidate = [&](uint64_t mant) {
      char buf[40];
      char* p = std::to_chars(buf, buf + 24, mant).ptr;
      *p++ = 'e';
      p = std::to_chars(p, buf + sizeof buf, exp10).ptr;
      return std::string(buf, p);
    };
    const std::string nearest = candidate(m);
    if (reads_back(f, magnitude_bits, nearest)) return write_decimal(negative, m, exp10);
    double nearest_value = 0;
    std::from_chars(nearest.data(), nearest.data() + nearest.size(), nearest_value);
    uint64_t other = nearest_value < v ? m + 1 : m - 1;
    if (nearest_value > v && m == pow10(digits - 1)) {
      // Below a power of ten the digits step ten times finer: 1.00 -> 0.999, not 0.99.
      other = pow10(digits) - 1;
      --exp10;
    }
    if (other != 0 && reads_back(f, magnitude_bits, candidate(other)))
      return write_decimal(negative, other, exp10);
  }
  // Unreachable: 17 significant digits identify every double, hence every narrower value.
  return write_decimal(negative, 0, 0);
}

NumberText to_chars_shortest(double v, bool as_float) {
  NumberText t;
  const auto r = as_float ? std::to_chars(t.data(), t.data() + t.capacity(), static_cast<float>(v))
                          : std::to_chars(t.data(), t.data() + t.capacity(), v);
  t.set_size(static_cast<size_t>(r.ptr - t.data()));
  return t;
}

}  // namespace

NumberText shortest_decimal(Format f, uint64_t bits) {
  NumberText special;
  if (non_finite(f, bits, special)) return special;
  const double v = decode(f, bits);
  if (f == Format::fp64) return to_chars_shortest(v, false);
  if (f == Format::fp32) return to_chars_shortest(v, true);
  if (v == 0) return from_literal(std::signbit(v) ? "-0" : "0");
  return shortest_generic(f, bits & ~desc(f).sign_mask(), std::fabs(v), std::signbit(v));
}

NumberText hex_float(Format f, uint64_t bits) {
  NumberText t;
  if (non_finite(f, bits, t)) return t;
  const double v = decode(f, bits);
  char* p = t.data();
  if (std::signbit(v)) *p++ = '-';
  *p++ = '0';
  *p++ = 'x';
  p = std::to_chars(p, t.data() + t.capacity(), std::fabs(v), std::chars_format::hex).ptr;
  t.set_size(static_cast<size_t>(p - t.data()));
  return t;
}

NumberText bits_hex(Format f, uint64_t bits) {
  static constexpr char kHex[] = "0123456789abcdef";
  const int width = desc(f).storage_bits / 4;
  NumberText t;
  char* p = t.data();
  *p++ = '0';
  *p++ = 'x';
  for (int i = width - 1; i >= 0; --i) *p++ = kHex[(bits >> (4 * i)) & 0xf];
  t.set_size(static_cast<size_t>(p - t.data()));
  return t;
}

}  // namespace numguard::cli
