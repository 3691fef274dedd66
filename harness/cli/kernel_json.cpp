#include "harness/cli/kernel_json.h"

#include <string>

#include "harness/cli/json_number.h"
#include "references/mx_block.h"

namespace numguard::cli {
namespace {

std::string text(std::string_view s) {
  return std::string(s);
}

}  // namespace

nlohmann::json recipe_json(const Recipe& r) {
  const Accumulation& a = r.shape;
  auto optional_format = [](const std::optional<Format>& f) {
    return f ? nlohmann::json(text(name(*f))) : nlohmann::json(nullptr);
  };
  // The names and values are those of the plugin ABI's recipe structs (numguard/plugin.h);
  // block_scaling's format and scale_rule are numguard_recipe3's block_format and scale_rule.
  return {
      {"in", text(name(r.in))},
      // null: the inputs are used as they arrive.
      {"input_cast", optional_format(r.input_cast)},
      {"block_scaling",
       r.block_scaling.block
           ? nlohmann::json{{"format", text(mx::block_format_of(r.block_scaling).name)},
                            {"block", r.block_scaling.block},
                            {"element", text(name(r.block_scaling.element))},
                            {"scale", text(name(r.block_scaling.scale))},
                            {"scale_rule", r.block_scaling.scale_up ? "up" : "spec"}}
           : nlohmann::json(nullptr)},
      {"input_cast_rounding", text(name(r.input_cast_rounding))},
      // null: products are exact (an FMA, or wide enough to hold every product).
      {"product", optional_format(r.product)},
      {"acc", text(name(r.acc))},
      {"acc_rounding", text(name(r.acc_rounding))},
      {"order", text(name(a.order))},
      {"block", a.block},
      {"fanin", a.fanin},
      {"splits", a.splits},
      {"partial", text(name(a.partial))},
      {"frac_bits", a.frac_bits},
      {"lanes", a.lanes},
      {"operand_exponents", a.operand_exponents},
      {"zero_exponent",
       a.zero_exponent ? nlohmann::json(*a.zero_exponent) : nlohmann::json(nullptr)},
      {"out_frac_bits", a.out_frac_bits},
      {"scale_group", a.scale_group},
      // Row and elementwise ops: the algorithm, the staging format, the math functions' ulps.
      {"method", text(name(r.method))},
      {"stage", optional_format(r.stage)},
      {"math_ulps", r.math_ulps},
      {"out", text(name(r.out))},
      {"out_rounding", text(name(r.out_rounding))},
      {"ftz", flush_name(r.ftz)},
      {"daz", r.daz},
      {"alpha_applies", r.domain.alpha_scales_inputs ? "to_inputs" : "after"},
      {"alpha_beta", text(name(r.alpha_beta))},
      {"empty_rows", text(name(r.empty_rows))},
      {"domain",
       {{"max_abs_input", json_number(r.domain.max_abs_input)},
        {"finite_inputs_only", r.domain.finite_inputs_only},
        {"normal_inputs_only", r.domain.normal_inputs_only}}},
      {"summary", r.summary()},
  };
}

nlohmann::json kernel_json(const KernelDesc& k) {
  nlohmann::json j = {
      {"name", k.name},
      {"op", k.op},
      {"device", text(name(k.device))},
      {"mutant", k.mutant},
      {"recipe", recipe_json(k.recipe)},
      {"max_unsupported", k.max_unsupported},
  };
  if (k.mutant) {
    j["imitates"] = k.imitates;
    j["bug"] = k.bug;
    j["mechanism"] = k.mechanism;
  }
  if (!k.twin_of.empty()) j["twin_of"] = k.twin_of;
  return j;
}

}  // namespace numguard::cli
