// Number formats described by one descriptor table. Every format-specific fact
// (precision, exponent range, special encodings, saturation) lives in a row of
// kFormats; decode / encode / round are generic over the row.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace numguard {

enum class Format : uint8_t { fp64, fp32, tf32, bf16, fp16, e4m3, e5m2 };

// How the all-ones exponent field is used.
enum class SpecialEncoding : uint8_t {
  ieee,       // all-ones exponent: inf (zero fraction) or NaN
  fn_single,  // OCP e4m3fn: no inf; only S.1111.111 is NaN, the rest of the top binade is finite
};

struct FormatDesc {
  Format id;
  std::string_view name;
  int storage_bits;  // width of the container (tf32 travels in 32 bits)
  int exp_bits;
  int frac_field_bits;  // fraction field width in the container
  int precision;        // p, significand bits including the implicit one
  SpecialEncoding special;
  bool saturates_by_default;  // fp8 e4m3fn has no inf: overflow saturates or becomes NaN

  int bias() const { return (1 << (exp_bits - 1)) - 1; }
  int emin() const { return 1 - bias(); }  // exponent of the smallest normal
  int emax() const {                       // exponent of the largest finite binade
    return special == SpecialEncoding::ieee ? bias() : (1 << exp_bits) - 1 - bias();
  }
  // Low container bits that are always zero (13 for tf32).
  int pad_bits() const { return frac_field_bits - (precision - 1); }
  uint64_t sign_mask() const { return uint64_t{1} << (storage_bits - 1); }
  uint64_t storage_mask() const {
    return storage_bits == 64 ? ~uint64_t{0} : (uint64_t{1} << storage_bits) - 1;
  }
  uint64_t exp_field_max() const { return (uint64_t{1} << exp_bits) - 1; }
  uint64_t frac_mask() const { return (uint64_t{1} << frac_field_bits) - 1; }
  bool has_inf() const { return special == SpecialEncoding::ieee; }

  uint64_t max_finite_bits() const;
  uint64_t min_normal_bits() const { return uint64_t{1} << frac_field_bits; }
  uint64_t min_subnormal_bits() const { return uint64_t{1} << pad_bits(); }
  uint64_t inf_bits(bool negative) const;  // requires has_inf()
  uint64_t nan_bits() const;               // canonical quiet NaN, positive sign

  // Values (exact in double for every format in the table).
  double max_finite() const;
  double min_normal() const;
  double min_subnormal() const;
  double eps() const;                                 // 2^(1-p)
  double unit_roundoff() const { return eps() / 2; }  // u
};

const FormatDesc& desc(Format f);
std::span<const FormatDesc> all_formats();
std::optional<Format> format_from_name(std::string_view name);  // "fp16", "half", "e4m3", ...
std::string_view name(Format f);

// Classification of a bit pattern.
enum class FpClass : uint8_t { zero, subnormal, normal, inf, nan };
FpClass classify(Format f, uint64_t bits);
inline bool is_nan(Format f, uint64_t bits) {
  return classify(f, bits) == FpClass::nan;
}
inline bool is_finite(Format f, uint64_t bits) {
  const FpClass c = classify(f, bits);
  return c != FpClass::nan && c != FpClass::inf;
}
inline bool sign_bit(Format f, uint64_t bits) {
  return (bits & desc(f).sign_mask()) != 0;
}

// Exact decode: every value of every format is a double. daz treats subnormal inputs as zero.
double decode(Format f, uint64_t bits, bool daz = false);

// True when the pattern is a valid encoding of the format (tf32: low 13 bits zero).
bool is_canonical_encoding(Format f, uint64_t bits);

}  // namespace numguard
