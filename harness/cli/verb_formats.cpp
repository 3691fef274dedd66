// numguard formats: the constants of every format, computed from the descriptor table.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "harness/cli/format_constants.h"
#include "harness/cli/number_text.h"
#include "harness/cli/verb.h"
#include "references/mx_block.h"

namespace numguard::cli {
namespace {

std::string pow2(double v) {
  return fmt::format("2^{}", std::ilogb(v));
}

std::string layout(const FormatDesc& d) {
  return fmt::format("{}-{}-{}", d.has_sign ? 1 : 0, d.exp_bits, d.precision - 1);
}

nlohmann::json value_json(Format f, double v, uint64_t bits) {
  return {{"value", v},
          {"hex", std::string(hex_float(f, bits).view())},
          {"bits", std::string(bits_hex(f, bits).view())}};
}

nlohmann::json to_json(const FormatConstants& c) {
  const FormatDesc& d = *c.desc;
  const Format f = d.id;
  nlohmann::json j = {
      {"name", d.name},
      {"storage_bits", d.storage_bits},
      {"exponent_bits", d.exp_bits},
      {"fraction_bits", d.precision - 1},
      {"precision", d.precision},
      {"bias", d.bias()},
      {"emin", d.emin()},
      {"emax", d.emax()},
      {"has_inf", d.has_inf()},
      {"has_nan", d.has_nan()},
      {"has_zero", d.has_zero()},
      {"signed", d.has_sign},
      {"saturates_by_default", d.saturates_by_default},
      {"max_finite", c.max_finite},
      {"min_normal", c.min_normal},
      {"min_subnormal", c.min_subnormal},
      {"eps", c.eps},
      {"u", c.u},
      {"exp_overflow", c.exp_overflow},
      {"exp_overflow_result", c.exp_overflow_result},
      {"exp_subnormal", c.exp_subnormal},
      {"exp_zero", c.exp_zero},
      {"nan_bits", d.has_nan() ? nlohmann::json(std::string(bits_hex(f, d.nan_bits()).view()))
                               : nlohmann::json(nullptr)},
      {"inf_bits", d.has_inf() ? nlohmann::json(std::string(bits_hex(f, d.inf_bits(false)).view()))
                               : nlohmann::json(nullptr)},
  };
  j["max_finite_detail"] = value_json(f, c.max_finite, d.max_finite_bits());
  j["min_normal_detail"] = value_json(f, c.min_normal, d.min_normal_bits());
  j["min_subnormal_detail"] = value_json(f, c.min_subnormal, d.min_subnormal_bits());
  return j;
}

void print_table() {
  std::string out = fmt::format("{:<10}{:<9}{:<14}{:<14}{:<15}{:<8}{:<8}{:<16}{:<15}{}\n", "format",
                                "layout", "max finite", "min normal", "min subnormal", "eps", "u",
                                "exp overflow", "exp subnormal", "exp zero");
  for (const FormatDesc& d : all_formats()) {
    const FormatConstants c = constants_of(d.id);
    const std::string overflow = fmt::format(
        "{:.6g}{}", c.exp_overflow, d.has_inf() ? "" : fmt::format(" ({})", c.exp_overflow_result));
    out += fmt::format("{:<10}{:<9}{:<14.6g}{:<14.6g}{:<15.6g}{:<8}{:<8}{:<16}{:<15.6g}{:.6g}\n",
                       d.name, layout(d), c.max_finite, c.min_normal, c.min_subnormal, pow2(c.eps),
                       pow2(c.u), overflow, c.exp_subnormal, c.exp_zero);
  }
  out += fmt::format("\n{:<10}{:<21}{:<21}{:<21}{:<21}{}\n", "bits", "max finite", "min normal",
                     "min subnormal", "inf", "nan");
  for (const FormatDesc& d : all_formats()) {
    const Format f = d.id;
    out += fmt::format(
        "{:<10}{:<21}{:<21}{:<21}{:<21}{}\n", d.name, bits_hex(f, d.max_finite_bits()).view(),
        bits_hex(f, d.min_normal_bits()).view(), bits_hex(f, d.min_subnormal_bits()).view(),
        d.has_inf() ? bits_hex(f, d.inf_bits(false)).view() : "none",
        d.has_nan() ? bits_hex(f, d.nan_bits()).view() : "none");
  }
  out +=
      "\nexp overflow: exp(x) rounds (RNE) beyond max finite for x > ln(max + ulp/2): inf, or\n"
      "NaN for e4m3 (no inf; max finite with saturation), max for the formats that saturate\n"
      "(fp6, fp4: no inf, no NaN). exp subnormal: exp(x) is subnormal below ln(min normal -\n"
      "min subnormal/2). exp zero: exp(x) rounds to 0 at or below ln(min subnormal / 2).\n"
      "e8m0 (MX scales) and ue4m3 (NVFP4 scales) are unsigned: layout 0-E-M; e8m0 is 2^(e-127)\n"
      "with no zero (values below 2^-127 become 2^-127) and NaN at 0xff.\n"
      "e4m3fnuz and e5m2fnuz (AMD CDNA3 fp8 / bf8): bias 8 and 16, no inf, no -0; 0x80 is the\n"
      "only NaN (overflow gives it), a zero of either sign is +0.\n";
  out += "\nblock-scaled formats (numguard convert --mx NAME):\n";
  for (const mx::BlockFormat& b : mx::block_formats())
    out += fmt::format("{:<12}{} elements, one {} scale per {}{}\n", b.name, name(b.element),
                       name(b.scale), b.block,
                       b.scale == Format::ue4m3 ? ", and an fp32 scale per tensor" : "");
  fmt::print("{}", out);
}

int run_formats(bool json) {
  if (!json) {
    print_table();
    return kExitOk;
  }
  nlohmann::json list = nlohmann::json::array();
  for (const FormatDesc& d : all_formats()) list.push_back(to_json(constants_of(d.id)));
  nlohmann::json blocks = nlohmann::json::array();
  for (const mx::BlockFormat& b : mx::block_formats())
    blocks.push_back({{"name", b.name},
                      {"element", name(b.element)},
                      {"block", b.block},
                      {"scale", name(b.scale)},
                      {"tensor_scale", b.scale == Format::ue4m3 ? "fp32" : "none"}});
  fmt::print("{}\n", nlohmann::json{{"formats", list}, {"block_formats", blocks}}.dump(2));
  return kExitOk;
}

VerbAction setup_formats(CLI::App& app) {
  auto json = std::make_shared<bool>(false);
  app.add_flag("--json", *json,
               "Print JSON: {\"formats\": [{\"name\": \"fp16\", ...}], \"block_formats\": [...]}");
  return [json] { return run_formats(*json); };
}

NUMGUARD_REGISTER_VERB({
    .name = "formats",
    .summary = "Constants of every format: range, eps, u, exp() overflow and underflow points",
    .setup = setup_formats,
});

}  // namespace
}  // namespace numguard::cli
