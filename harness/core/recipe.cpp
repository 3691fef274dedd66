#include "harness/core/recipe.h"

#include <cmath>
#include <cstdio>

namespace numguard {

std::string_view name(Order o) {
  constexpr std::string_view kNames[] = {"sequential",  "pairwise", "blocked",     "tree",
                                         "compensated", "split_k",  "fused_block", "strided"};
  return kNames[static_cast<size_t>(o)];
}

std::string_view name(Method m) {
  constexpr std::string_view kNames[] = {"direct",  "two_pass", "online",
                                         "welford", "no_max",   "tiled"};
  return kNames[static_cast<size_t>(m)];
}

std::string Recipe::summary() const {
  std::string s = "in=" + std::string(name(in));
  if (input_cast) s += "->" + std::string(name(*input_cast));
  s += " prod=" + (product ? std::string(name(*product)) : std::string("exact"));
  s += " acc=" + std::string(name(acc));
  if (acc_rounding != Rounding::rne) s += "/" + std::string(name(acc_rounding));
  if (method != Method::direct) s += " " + std::string(name(method));
  if (stage) s += " stage=" + std::string(name(*stage));
  s += " " + std::string(name(shape.order));
  switch (shape.order) {
    case Order::blocked:
      s += "(" + std::to_string(shape.block) + ")";
      break;
    case Order::tree:
      s += "(" + std::to_string(shape.fanin) + ")";
      break;
    case Order::split_k:
      s += "(" + std::to_string(shape.splits) + "," + std::string(name(shape.partial));
      if (shape.frac_bits > 0)
        s += ",b=" + std::to_string(shape.block) + ",f=" + std::to_string(shape.frac_bits);
      s += ")";
      break;
    case Order::fused_block:
      s += "(b=" + std::to_string(shape.block) + ",f=" + std::to_string(shape.frac_bits) +
           (shape.operand_exponents ? ",operand-exp" : "") + ")";
      break;
    case Order::strided:
      s += "(" + std::to_string(shape.lanes) + ")";
      break;
    default:
      break;
  }
  s += " out=" + std::string(name(out)) + "/" + std::string(name(out_rounding));
  if (ftz) s += " ftz";
  if (daz) s += " daz";
  if (std::isfinite(domain.max_abs_input)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, " |x|<=%g", domain.max_abs_input);
    s += buf;
  }
  if (domain.finite_inputs_only) s += " finite-inputs";
  if (domain.normal_inputs_only) s += " normal-inputs";
  if (domain.alpha_scales_inputs) s += " alpha*x-finite";
  return s;
}

}  // namespace numguard
