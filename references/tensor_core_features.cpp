#include "references/tensor_core_features.h"

#include <charconv>
#include <stdexcept>

namespace numguard::tc {
namespace {

constexpr Feature kFeatures[] = {
    {"block", "an integer 1..64", "products per block (L)"},
    {"frac_bits", "an integer 0..52", "fraction bits kept below the block's alignment (F)"},
    {"final_rounding", "rz, rne, rna, ru, rd", "rounding of the sum into the output format"},
    {"operand_exponents", "true, false",
     "align a product at its operands' exponents (true) or its own exponent"},
    {"zero_exponent", "an integer, or none", "alignment exponent of zero terms (e_zero)"},
    {"out_frac_bits", "an integer 0..52 (0: the output format's)",
     "fraction bits the sum keeps before the output rounding"},
    {"signed_zero", "true, false", "an exact zero keeps IEEE's sign (false: +0)"},
    {"c_after_bits", "an integer 1..52", "c_after: fraction bits of the final fixed-point sum"},
    {"tf32_nan_to_inf", "true, false",
     "a tf32 NaN with payload only in the low 13 bits reads as inf"},
    {"nan", "canonical, quiet", "NaN result: CUDA's canonical pattern or the default quiet NaN"},
    {"zero_group", "e_zero, scales",
     "group-scaled: a group of zero products aligned at e_zero or at its scales' exponents"},
};

[[noreturn]] void bad(std::string_view key, std::string_view value, std::string_view accepts) {
  throw std::invalid_argument(std::string(key) + "=" + std::string(value) + ": expected " +
                              std::string(accepts));
}

int integer(std::string_view key, std::string_view v, int lo, int hi, std::string_view accepts) {
  int x = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (ec != std::errc{} || end != v.data() + v.size() || x < lo || x > hi) bad(key, v, accepts);
  return x;
}

bool boolean(std::string_view key, std::string_view v, std::string_view accepts) {
  if (v == "true" || v == "1") return true;
  if (v == "false" || v == "0") return false;
  bad(key, v, accepts);
}

}  // namespace

std::span<const Feature> model_features() {
  return kFeatures;
}

void set_feature(TcModel& m, std::string_view key, std::string_view value) {
  const Feature* f = nullptr;
  for (const Feature& x : kFeatures)
    if (x.key == key) f = &x;
  if (!f) {
    std::string keys;
    for (const Feature& x : kFeatures) keys += (keys.empty() ? "" : ", ") + std::string(x.key);
    throw std::invalid_argument("unknown model feature '" + std::string(key) + "' (" + keys + ")");
  }
  const std::string_view acc = f->values;
  if (key == "block") {
    m.block = integer(key, value, 1, 64, acc);
  } else if (key == "frac_bits") {
    m.frac_bits = integer(key, value, 0, 52, acc);
  } else if (key == "final_rounding") {
    bool found = false;
    for (Rounding r : {Rounding::rz, Rounding::rne, Rounding::rna, Rounding::ru, Rounding::rd})
      if (name(r) == value) {
        m.final_rounding = r;
        found = true;
      }
    if (!found) bad(key, value, acc);
  } else if (key == "operand_exponents") {
    m.operand_exponents = boolean(key, value, acc);
  } else if (key == "zero_exponent") {
    if (value == "none")
      m.zero_exponent.reset();
    else
      m.zero_exponent = integer(key, value, -2000, 2000, acc);
  } else if (key == "out_frac_bits") {
    m.out_frac_bits = integer(key, value, 0, 52, acc);
  } else if (key == "signed_zero") {
    m.signed_zero = boolean(key, value, acc);
  } else if (key == "c_after_bits") {
    m.c_after_bits = integer(key, value, 1, 52, acc);
  } else if (key == "tf32_nan_to_inf") {
    m.tf32_nan_to_inf = boolean(key, value, acc);
  } else if (key == "nan") {
    if (value == "canonical")
      m.nan = NanResult::canonical;
    else if (value == "quiet")
      m.nan = NanResult::quiet;
    else
      bad(key, value, acc);
  } else if (key == "zero_group") {
    if (value == "e_zero")
      m.zero_group_at_scales = false;
    else if (value == "scales")
      m.zero_group_at_scales = true;
    else
      bad(key, value, acc);
  }
}

std::string feature_value(const TcModel& m, std::string_view key) {
  const auto b = [](bool x) { return std::string(x ? "true" : "false"); };
  if (key == "block") return std::to_string(m.block);
  if (key == "frac_bits") return std::to_string(m.frac_bits);
  if (key == "final_rounding") return std::string(name(m.final_rounding));
  if (key == "operand_exponents") return b(m.operand_exponents);
  if (key == "zero_exponent") return m.zero_exponent ? std::to_string(*m.zero_exponent) : "none";
  if (key == "out_frac_bits") return std::to_string(m.out_frac_bits);
  if (key == "signed_zero") return b(m.signed_zero);
  if (key == "c_after_bits") return std::to_string(m.c_after_bits);
  if (key == "tf32_nan_to_inf") return b(m.tf32_nan_to_inf);
  if (key == "nan") return m.nan == NanResult::canonical ? "canonical" : "quiet";
  if (key == "zero_group") return m.zero_group_at_scales ? "scales" : "e_zero";
  throw std::invalid_argument("unknown model feature '" + std::string(key) + "'");
}

}  // namespace numguard::tc
