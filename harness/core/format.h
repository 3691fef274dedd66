// Number formats described by one descriptor table. Every format-specific fact
// (precision, exponent range, special encodings, saturation) lives in a row of
// kFormats; decode / encode / round are generic over the row.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace numguard {

// New formats are appended: the position is the C ABI's id (include/numguard/formats.h).
enum class Format : uint8_t {
  fp64,
  fp32,
  tf32,
  bf16,
  fp16,
  e4m3,
  e5m2,
  e2m1,      // OCP MX fp4
  e3m2,      // OCP MX fp6
  e2m3,      // OCP MX fp6
  e8m0,      // OCP MX scale (PTX ue8m0)
  ue4m3,     // NVFP4's per-16 scale: e4m3 without a sign
  e4m3fnuz,  // AMD CDNA3 fp8 ("fp8"): bias 8, max 240
  e5m2fnuz,  // AMD CDNA3 bf8 ("bf8"): bias 16, max 57344
};

// How the all-ones exponent field is used.
enum class SpecialEncoding : uint8_t {
  ieee,       // all-ones exponent: inf (zero fraction) or NaN
  fn_single,  // OCP e4m3fn: no inf; only S.1111.111 is NaN, the rest of the top binade is finite
  finite,     // OCP MX fp6 / fp4: no inf, no NaN; every pattern is a number
  e8m0,       // OCP MX E8M0: exponent only, 2^(e - 127); no zero, no subnormals; 0xff is NaN
  fnuz,       // fp8 "fnuz" (AMD CDNA3, PyTorch float8_*fnuz): bias 2^(E-1), no inf, no -0;
              // the negative-zero pattern 0x80 is the only NaN; the top binade is finite
};

struct FormatDesc {
  Format id;
  std::string_view name;
  int storage_bits;  // width of the container (tf32 travels in 32 bits)
  int exp_bits;
  int frac_field_bits;  // fraction field width in the container
  int precision;        // p, significand bits including the implicit one
  SpecialEncoding special;
  bool saturates_by_default;  // overflow gives the largest finite value (fp6 and fp4 do)
  bool has_sign = true;       // false: unsigned scale formats (e8m0, ue4m3)

  int bias() const { return (1 << (exp_bits - 1)) - (special == SpecialEncoding::fnuz ? 0 : 1); }
  int emin() const {  // exponent of the smallest normal (e8m0: of its smallest value)
    return special == SpecialEncoding::e8m0 ? -bias() : 1 - bias();
  }
  int emax() const {  // exponent of the largest finite binade
    return special == SpecialEncoding::ieee || special == SpecialEncoding::e8m0
               ? bias()
               : (1 << exp_bits) - 1 - bias();
  }
  // Low container bits that are always zero (13 for tf32).
  int pad_bits() const { return frac_field_bits - (precision - 1); }
  // Zero for the unsigned formats: their negative values have no encoding.
  uint64_t sign_mask() const { return has_sign ? uint64_t{1} << (storage_bits - 1) : 0; }
  // The bits the format's fields use (ue4m3 leaves the top bit of its byte unused).
  uint64_t field_mask() const {
    const int bits = (has_sign ? 1 : 0) + exp_bits + frac_field_bits;
    return bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
  }
  uint64_t storage_mask() const {
    return storage_bits == 64 ? ~uint64_t{0} : (uint64_t{1} << storage_bits) - 1;
  }
  uint64_t exp_field_max() const { return (uint64_t{1} << exp_bits) - 1; }
  uint64_t frac_mask() const { return (uint64_t{1} << frac_field_bits) - 1; }
  bool has_inf() const { return special == SpecialEncoding::ieee; }
  bool has_nan() const { return special != SpecialEncoding::finite; }
  bool has_zero() const { return special != SpecialEncoding::e8m0; }
  // fnuz spends the negative zero's pattern on NaN: a zero result is +0 whatever its sign.
  bool has_negative_zero() const { return has_sign && special != SpecialEncoding::fnuz; }

  uint64_t max_finite_bits() const;
  uint64_t min_normal_bits() const {
    return special == SpecialEncoding::e8m0 ? 0 : uint64_t{1} << frac_field_bits;
  }
  uint64_t min_subnormal_bits() const {  // the smallest positive value
    return special == SpecialEncoding::e8m0 ? 0 : uint64_t{1} << pad_bits();
  }
  uint64_t inf_bits(bool negative) const;  // requires has_inf()
  // The canonical quiet NaN, positive sign. A format without NaN (fp6, fp4) gives what a NaN
  // converts to: its largest finite value (numguard's choice, docs/REFERENCE.md "Formats").
  uint64_t nan_bits() const;

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
