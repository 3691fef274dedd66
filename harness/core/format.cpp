#include "harness/core/format.h"

#include <array>
#include <cmath>
#include <string>
#include <vector>

namespace numguard {
namespace {

// Constants from IEEE 754-2019, Google's bfloat16, NVIDIA's TF32, the OCP 8-bit floating
// point specification (e4m3fn: no inf, one NaN pattern per sign; e5m2: IEEE-like) and the OCP
// Microscaling (MX) v1.0 specification (fp6 e3m2 / e2m3 and fp4 e2m1: no inf, no NaN,
// saturating conversion; E8M0 scales: 2^(e - 127), 0xff NaN). ue4m3 is NVFP4's scale: e4m3's
// fields without the sign bit (the byte's top bit unused), as PTX's ue4m3.
constexpr std::array<FormatDesc, 14> kFormats = {{
    {Format::fp64, "fp64", 64, 11, 52, 53, SpecialEncoding::ieee, false},
    {Format::fp32, "fp32", 32, 8, 23, 24, SpecialEncoding::ieee, false},
    {Format::tf32, "tf32", 32, 8, 23, 11, SpecialEncoding::ieee, false},
    {Format::bf16, "bf16", 16, 8, 7, 8, SpecialEncoding::ieee, false},
    {Format::fp16, "fp16", 16, 5, 10, 11, SpecialEncoding::ieee, false},
    {Format::e4m3, "e4m3", 8, 4, 3, 4, SpecialEncoding::fn_single, false},
    {Format::e5m2, "e5m2", 8, 5, 2, 3, SpecialEncoding::ieee, false},
    {Format::e2m1, "e2m1", 4, 2, 1, 2, SpecialEncoding::finite, true},
    {Format::e3m2, "e3m2", 6, 3, 2, 3, SpecialEncoding::finite, true},
    {Format::e2m3, "e2m3", 6, 2, 3, 4, SpecialEncoding::finite, true},
    {Format::e8m0, "e8m0", 8, 8, 0, 1, SpecialEncoding::e8m0, false, false},
    {Format::ue4m3, "ue4m3", 8, 4, 3, 4, SpecialEncoding::fn_single, false, false},
    {Format::e4m3fnuz, "e4m3fnuz", 8, 4, 3, 4, SpecialEncoding::fnuz, false},
    {Format::e5m2fnuz, "e5m2fnuz", 8, 5, 2, 3, SpecialEncoding::fnuz, false},
}};

struct Alias {
  std::string_view alias;
  Format f;
};
constexpr Alias kAliases[] = {
    {"double", Format::fp64},
    {"f64", Format::fp64},
    {"float", Format::fp32},
    {"f32", Format::fp32},
    {"half", Format::fp16},
    {"f16", Format::fp16},
    {"bfloat16", Format::bf16},
    {"e4m3fn", Format::e4m3},
    {"fp8e4m3", Format::e4m3},
    {"fp8_e4m3", Format::e4m3},
    {"fp8e5m2", Format::e5m2},
    {"fp8_e5m2", Format::e5m2},
    {"fp4", Format::e2m1},
    {"fp4_e2m1", Format::e2m1},
    {"fp6_e3m2", Format::e3m2},
    {"fp6_e2m3", Format::e2m3},
    {"ue8m0", Format::e8m0},
    {"e8m0fnu", Format::e8m0},
    {"float8_e4m3fnuz", Format::e4m3fnuz},
    {"float8_e5m2fnuz", Format::e5m2fnuz},
};

}  // namespace

const FormatDesc& desc(Format f) {
  return kFormats[static_cast<size_t>(f)];
}
std::span<const FormatDesc> all_formats() {
  return kFormats;
}
std::string_view name(Format f) {
  return desc(f).name;
}

std::optional<Format> format_from_name(std::string_view n) {
  std::string lower(n);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& d : kFormats)
    if (d.name == lower) return d.id;
  for (const auto& a : kAliases)
    if (a.alias == lower) return a.f;
  return std::nullopt;
}

uint64_t FormatDesc::max_finite_bits() const {
  const uint64_t frac_all = frac_mask() & ~((uint64_t{1} << pad_bits()) - 1);
  if (special == SpecialEncoding::ieee || special == SpecialEncoding::e8m0)
    return ((exp_field_max() - 1) << frac_field_bits) | frac_all;
  if (special == SpecialEncoding::finite || special == SpecialEncoding::fnuz)
    return (exp_field_max() << frac_field_bits) | frac_all;
  // fn_single: the top binade is finite except its all-ones fraction.
  return (exp_field_max() << frac_field_bits) | (frac_all - min_subnormal_bits());
}

uint64_t FormatDesc::inf_bits(bool negative) const {
  return (exp_field_max() << frac_field_bits) | (negative ? sign_mask() : 0);
}

uint64_t FormatDesc::nan_bits() const {
  if (special == SpecialEncoding::fn_single)
    return (exp_field_max() << frac_field_bits) | frac_mask();
  if (special == SpecialEncoding::e8m0) return exp_field_max();
  if (special == SpecialEncoding::fnuz) return sign_mask();  // the negative zero's pattern
  if (special == SpecialEncoding::finite) return max_finite_bits();
  // Quiet NaN: top fraction bit set.
  return (exp_field_max() << frac_field_bits) | (uint64_t{1} << (frac_field_bits - 1));
}

double FormatDesc::max_finite() const {
  return decode(id, max_finite_bits());
}
double FormatDesc::min_normal() const {
  return std::ldexp(1.0, emin());
}
double FormatDesc::min_subnormal() const {
  return std::ldexp(1.0, emin() - (precision - 1));
}
double FormatDesc::eps() const {
  return std::ldexp(1.0, 1 - precision);
}

FpClass classify(Format f, uint64_t bits) {
  const FormatDesc& d = desc(f);
  const uint64_t e = (bits >> d.frac_field_bits) & d.exp_field_max();
  const uint64_t m = bits & d.frac_mask();
  if ((bits & ~d.field_mask()) != 0) return FpClass::nan;  // ue4m3's unused top bit: no value
  if (d.special == SpecialEncoding::e8m0)
    return e == d.exp_field_max() ? FpClass::nan : FpClass::normal;
  if (d.special == SpecialEncoding::fnuz && bits == d.sign_mask()) return FpClass::nan;
  if (e == d.exp_field_max()) {
    if (d.special == SpecialEncoding::ieee) return m == 0 ? FpClass::inf : FpClass::nan;
    if (d.special == SpecialEncoding::finite || d.special == SpecialEncoding::fnuz ||
        m != d.frac_mask())
      return FpClass::normal;
    return FpClass::nan;
  }
  if (e == 0) return m == 0 ? FpClass::zero : FpClass::subnormal;
  return FpClass::normal;
}

namespace {

double decode_fields(Format f, uint64_t bits, bool daz);

// Every value of the 8- and 16-bit formats, decoded once: decoding is the hottest call of a
// check (references, bounds and domain tests decode every input).
struct DecodeTables {
  std::array<std::vector<double>, kFormats.size()> values;
  DecodeTables() {
    for (const FormatDesc& d : kFormats) {
      if (d.storage_bits > 16) continue;
      auto& v = values[static_cast<size_t>(d.id)];
      v.resize(size_t{1} << d.storage_bits);
      for (uint64_t b = 0; b < v.size(); ++b) v[b] = decode_fields(d.id, b, false);
    }
  }
};

const DecodeTables& tables() {
  static const DecodeTables t;
  return t;
}

}  // namespace

double decode(Format f, uint64_t bits, bool daz) {
  const FormatDesc& d = desc(f);
  if (!daz && d.storage_bits <= 16 && bits <= d.storage_mask())
    return tables().values[static_cast<size_t>(f)][bits];
  return decode_fields(f, bits, daz);
}

namespace {

double decode_fields(Format f, uint64_t bits, bool daz) {
  const FormatDesc& d = desc(f);
  const bool neg = (bits & d.sign_mask()) != 0;
  const uint64_t e = (bits >> d.frac_field_bits) & d.exp_field_max();
  const uint64_t m = bits & d.frac_mask();
  double mag;
  switch (classify(f, bits)) {
    case FpClass::nan:
      return neg ? -std::nan("") : std::nan("");
    case FpClass::inf:
      mag = INFINITY;
      break;
    case FpClass::zero:
      mag = 0.0;
      break;
    case FpClass::subnormal:
      mag = daz ? 0.0 : std::ldexp(static_cast<double>(m), d.emin() - d.frac_field_bits);
      break;
    default:
      mag = std::ldexp(static_cast<double>(m | (uint64_t{1} << d.frac_field_bits)),
                       static_cast<int>(e) - d.bias() - d.frac_field_bits);
  }
  return neg ? -mag : mag;
}

}  // namespace

bool is_canonical_encoding(Format f, uint64_t bits) {
  const FormatDesc& d = desc(f);
  if ((bits & ~d.storage_mask()) != 0) return false;
  if ((bits & ~d.field_mask()) != 0) return false;
  if (d.pad_bits() == 0) return true;
  // tf32: NaN payloads may use any bit; finite values and inf keep the pad bits zero.
  return is_nan(f, bits) || (bits & (d.min_subnormal_bits() - 1)) == 0;
}

}  // namespace numguard
