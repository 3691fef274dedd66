#include "harness/cli/kernel_json.h"

#include <string>

#include "harness/cli/json_number.h"

namespace numguard::cli {
namespace {

std::string text(std::string_view s) {
  return std::string(s);
}

}  // namespace

nlohmann::json recipe_json(const Recipe& r) {
  const Accumulation& a = r.shape;
  return {
      {"in", text(name(r.in))},
      // null: products are exact (an FMA, or wide enough to hold every product).
      {"product", r.product ? nlohmann::json(text(name(*r.product))) : nlohmann::json(nullptr)},
      {"acc", text(name(r.acc))},
      {"acc_rounding", text(name(r.acc_rounding))},
      {"order", text(name(a.order))},
      {"block", a.block},
      {"fanin", a.fanin},
      {"splits", a.splits},
      {"partial", text(name(a.partial))},
      {"frac_bits", a.frac_bits},
      {"lanes", a.lanes},
      // Row and elementwise ops: the algorithm, the staging format, the math functions' ulps.
      {"method", text(name(r.method))},
      {"stage", r.stage ? nlohmann::json(text(name(*r.stage))) : nlohmann::json(nullptr)},
      {"math_ulps", r.math_ulps},
      {"out", text(name(r.out))},
      {"out_rounding", text(name(r.out_rounding))},
      {"ftz", r.ftz},
      {"daz", r.daz},
      {"domain",
       {{"max_abs_input", json_number(r.domain.max_abs_input)},
        {"finite_inputs_only", r.domain.finite_inputs_only}}},
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
  };
  if (k.mutant) {
    j["imitates"] = k.imitates;
    j["bug"] = k.bug;
  }
  if (!k.twin_of.empty()) j["twin_of"] = k.twin_of;
  return j;
}

}  // namespace numguard::cli
