#include "harness/engine/plugin_recipe.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <optional>

#include "harness/core/recipe_validation.h"
#include "references/mx_block.h"

namespace numguard {
namespace {

[[noreturn]] void refuse(std::string_view field, const std::string& value,
                         std::string_view allowed) {
  throw BadDeclaration(fmt::format("recipe.{} = {}: allowed: {}", field, value, allowed));
}

std::string format_names() {
  std::string s;
  for (const FormatDesc& d : all_formats()) s += (s.empty() ? "" : ", ") + std::string(d.name);
  return s;
}

template <class Enum>
std::string enum_names(int count) {
  std::string s;
  for (int i = 0; i < count; ++i)
    s += (s.empty() ? "" : ", ") + std::string(name(static_cast<Enum>(i)));
  return s;
}

// A string field: NULL keeps the default; otherwise parse must know the value.
template <class T, class Parse>
std::optional<T> text_field(const char* v, std::string_view field, Parse parse,
                            const std::string& allowed) {
  if (!v) return std::nullopt;
  const std::optional<T> x = parse(std::string_view(v));
  if (!x) refuse(field, quoted(v), allowed);
  return x;
}

std::optional<Format> format_field(const char* v, std::string_view field) {
  return text_field<Format>(v, field, format_from_name, format_names());
}

std::optional<Rounding> rounding_field(const char* v, std::string_view field) {
  return text_field<Rounding>(v, field, rounding_from_name, "rne, rz, ru, rd, rna, sr");
}

std::string block_format_names() {
  std::string s;
  for (const mx::BlockFormat& f : mx::block_formats())
    s += (s.empty() ? "" : ", ") + std::string(f.name);
  return s;
}

bool flag(int32_t v, std::string_view field) {
  if (v != 0 && v != 1) refuse(field, std::to_string(v), "0 or 1");
  return v == 1;
}

}  // namespace

std::string shown(const std::string& v) {
  char* end = nullptr;
  std::strtod(v.c_str(), &end);
  const bool number = !v.empty() && end == v.c_str() + v.size();
  return number || v == "true" || v == "false" || v == "NULL" ? v : quoted(v.c_str());
}

std::string quoted(const char* v) {
  if (!v) return "NULL";
  std::string s = "'";
  for (const char* p = v; *p && s.size() < 80; ++p) {
    const auto c = static_cast<unsigned char>(*p);
    s += c < 0x20 || c == 0x7f ? fmt::format("\\x{:02x}", c) : std::string(1, *p);
  }
  return s + "'";
}

Recipe recipe_of(const numguard_recipe2& c, const numguard_recipe3& c3) {
  Recipe r;
  if (!c.in) refuse("in", "NULL", "an input format (required): " + format_names());
  r.in = *format_field(c.in, "in");
  r.acc = format_field(c.acc, "acc").value_or(Format::fp32);
  r.out = format_field(c.out, "out").value_or(r.acc);
  r.out_rounding = rounding_field(c.out_rounding, "out_rounding").value_or(Rounding::rne);
  Accumulation& a = r.shape;
  a.order = text_field<Order>(c.order, "order", order_from_name, enum_names<Order>(kOrderCount))
                .value_or(Order::sequential);
  a.block = c.block;
  a.lanes = c.lanes;
  r.method =
      text_field<Method>(c.method, "method", method_from_name, enum_names<Method>(kMethodCount))
          .value_or(Method::direct);
  r.stage = format_field(c.stage, "stage");
  if (!(std::isfinite(c.math_ulps) && c.math_ulps >= 0))
    refuse("math_ulps", fmt::format("{}", c.math_ulps), "a finite number >= 0 (0: none used)");
  r.math_ulps = c.math_ulps;
  if (std::isnan(c.max_abs_input) || c.max_abs_input < 0)
    refuse("max_abs_input", fmt::format("{}", c.max_abs_input), "a number > 0 (0: unbounded)");
  if (c.max_abs_input > 0) r.domain.max_abs_input = c.max_abs_input;
  r.domain.finite_inputs_only = flag(c.finite_inputs_only, "finite_inputs_only");
  // ABI 2.
  r.input_cast = format_field(c.input_cast, "input_cast");
  r.input_cast_rounding =
      rounding_field(c.input_cast_rounding, "input_cast_rounding").value_or(Rounding::rne);
  r.product = format_field(c.product, "product");
  r.acc_rounding = rounding_field(c.acc_rounding, "acc_rounding").value_or(Rounding::rne);
  a.fanin = c.fanin;
  a.splits = c.splits;
  a.partial = format_field(c.partial, "partial").value_or(Format::fp32);
  a.frac_bits = c.frac_bits;
  a.operand_exponents = flag(c.operand_exponents, "operand_exponents");
  r.ftz = text_field<Flush>(c.ftz, "ftz", flush_from_name,
                            "none, all, or a comma list of products, acc, out")
              .value_or(Flush{});
  r.daz = flag(c.daz, "daz");
  r.domain.normal_inputs_only = flag(c.normal_inputs_only, "normal_inputs_only");
  r.domain.alpha_scales_inputs = text_field<bool>(
                                     c.alpha_applies, "alpha_applies",
                                     [](std::string_view s) -> std::optional<bool> {
                                       if (s == "after") return false;
                                       if (s == "to_inputs") return true;
                                       return std::nullopt;
                                     },
                                     "after, to_inputs")
                                     .value_or(false);
  r.alpha_beta =
      text_field<AlphaBeta>(c.alpha_beta, "alpha_beta", alpha_beta_from_name, "blas, arithmetic")
          .value_or(AlphaBeta::blas);
  r.empty_rows = text_field<EmptyRows>(c.empty_rows, "empty_rows", empty_rows_from_name,
                                       "op_default, nan, zero")
                     .value_or(EmptyRows::op_default);
  // ABI 3.
  if (c3.zero_exponent != 0) a.zero_exponent = c3.zero_exponent;
  a.out_frac_bits = c3.out_frac_bits;
  a.scale_group = c3.scale_group;
  if (c3.block_format) {
    const mx::BlockFormat* f = mx::find_block_format(c3.block_format);
    if (!f) refuse("block_format", quoted(c3.block_format), block_format_names());
    r.block_scaling = {.block = f->block, .element = f->element, .scale = f->scale};
  }
  if (c3.scale_rule) {
    const std::optional<mx::ScaleRule> rule = mx::scale_rule_from_name(c3.scale_rule);
    if (!rule) refuse("scale_rule", quoted(c3.scale_rule), "spec, up");
    if (!c3.block_format) refuse("scale_rule", quoted(c3.scale_rule), "unset without block_format");
    r.block_scaling.scale_up = *rule == mx::ScaleRule::up;
  }
  if (const std::optional<RecipeProblem> bad = validate(r))
    refuse(bad->field, shown(bad->value), bad->allowed);
  return r;
}

}  // namespace numguard
