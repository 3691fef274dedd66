#include "harness/core/recipe.h"

#include <cmath>
#include <cstdio>
#include <iterator>
#include <utility>

namespace numguard {
namespace {

constexpr std::string_view kOrderNames[] = {"sequential",  "pairwise",    "blocked",
                                            "tree",        "compensated", "split_k",
                                            "fused_block", "strided",     "any"};
static_assert(std::size(kOrderNames) == kOrderCount);
constexpr std::string_view kMethodNames[] = {"direct",  "two_pass", "online",
                                             "welford", "no_max",   "tiled"};
static_assert(std::size(kMethodNames) == kMethodCount);
constexpr std::string_view kAlphaBetaNames[] = {"blas", "arithmetic"};
constexpr std::string_view kEmptyRowsNames[] = {"op_default", "nan", "zero"};

template <class Enum, size_t N>
std::optional<Enum> from_name(const std::string_view (&names)[N], std::string_view s) {
  for (size_t i = 0; i < N; ++i)
    if (names[i] == s) return static_cast<Enum>(i);
  return std::nullopt;
}

}  // namespace

std::string_view name(Order o) {
  return kOrderNames[static_cast<size_t>(o)];
}
std::string_view name(Method m) {
  return kMethodNames[static_cast<size_t>(m)];
}
std::string_view name(AlphaBeta a) {
  return kAlphaBetaNames[static_cast<size_t>(a)];
}
std::string_view name(EmptyRows e) {
  return kEmptyRowsNames[static_cast<size_t>(e)];
}
std::optional<EmptyRows> empty_rows_from_name(std::string_view s) {
  return from_name<EmptyRows>(kEmptyRowsNames, s);
}
std::optional<Order> order_from_name(std::string_view s) {
  return from_name<Order>(kOrderNames, s);
}
std::optional<Method> method_from_name(std::string_view s) {
  return from_name<Method>(kMethodNames, s);
}
std::optional<AlphaBeta> alpha_beta_from_name(std::string_view s) {
  return from_name<AlphaBeta>(kAlphaBetaNames, s);
}

std::optional<Flush> flush_from_name(std::string_view s) {
  if (s == "none") return Flush{};
  if (s == "all") return Flush{true, true, true};
  Flush f;
  while (!s.empty()) {
    const size_t comma = s.find(',');
    const std::string_view item = s.substr(0, comma);
    if (item == "products") {
      f.products = true;
    } else if (item == "acc") {
      f.acc = true;
    } else if (item == "out") {
      f.out = true;
    } else {
      return std::nullopt;
    }
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
    if (s.empty()) return std::nullopt;  // a trailing comma
  }
  return f.any() ? std::optional<Flush>(f) : std::nullopt;
}

std::string flush_name(const Flush& f) {
  if (!f.any()) return "none";
  if (f.products && f.acc && f.out) return "all";
  std::string s;
  for (auto [on, n] : {std::pair{f.products, "products"}, {f.acc, "acc"}, {f.out, "out"}}) {
    if (!on) continue;
    if (!s.empty()) s += ',';
    s += n;
  }
  return s;
}

std::string Recipe::summary() const {
  std::string s = "in=" + std::string(name(in));
  if (block_scaling.block) {
    s += "->" + std::string(name(block_scaling.element)) + "x" +
         std::to_string(block_scaling.block) + "/" + std::string(name(block_scaling.scale)) +
         (block_scaling.scale_up ? ",scale-up" : "");
  }
  if (input_cast) {
    s += "->" + std::string(name(*input_cast));
    if (input_cast_rounding != Rounding::rne) s += "/" + std::string(name(input_cast_rounding));
  }
  s += " prod=" + (product ? std::string(name(*product)) : std::string("exact"));
  s += " acc=" + std::string(name(acc));
  if (acc_rounding != Rounding::rne) s += "/" + std::string(name(acc_rounding));
  if (method != Method::direct) s += " " + std::string(name(method));
  if (stage) s += " stage=" + std::string(name(*stage));
  s += ' ';
  s += name(shape.order);
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
           (shape.operand_exponents ? ",operand-exp" : "") +
           (shape.zero_exponent ? ",e0=" + std::to_string(*shape.zero_exponent) : "") +
           (shape.out_frac_bits ? ",out-f=" + std::to_string(shape.out_frac_bits) : "") +
           (shape.scale_group ? ",group=" + std::to_string(shape.scale_group) : "") + ")";
      break;
    case Order::strided:
      s += "(" + std::to_string(shape.lanes) + ")";
      break;
    default:
      break;
  }
  s += " out=" + std::string(name(out)) + "/" + std::string(name(out_rounding));
  if (ftz.any()) s += " ftz=" + flush_name(ftz);
  if (daz) s += " daz";
  if (std::isfinite(domain.max_abs_input)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, " |x|<=%g", domain.max_abs_input);
    s += buf;
  }
  if (domain.finite_inputs_only) s += " finite-inputs";
  if (domain.normal_inputs_only) s += " normal-inputs";
  if (domain.alpha_scales_inputs) s += " alpha*x-finite";
  if (alpha_beta != AlphaBeta::blas) s += " alpha-beta=" + std::string(name(alpha_beta));
  if (empty_rows != EmptyRows::op_default) s += " empty-rows=" + std::string(name(empty_rows));
  return s;
}

}  // namespace numguard
