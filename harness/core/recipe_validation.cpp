#include "harness/core/recipe_validation.h"

#include <cmath>
#include <string_view>

namespace numguard {
namespace {

using Found = std::optional<RecipeProblem>;

Found problem(std::string field, std::string value, std::string allowed) {
  return RecipeProblem{std::move(field), std::move(value), std::move(allowed)};
}

Found in_range(std::string_view field, int v, int lo, std::string_view why) {
  if (v >= lo && v <= kMaxRecipeParameter) return std::nullopt;
  return problem(std::string(field), std::to_string(v),
                 std::string(why) + " needs " + std::string(field) + " in [" + std::to_string(lo) +
                     ", " + std::to_string(kMaxRecipeParameter) + "]");
}

// A parameter the declared order does not read: declaring it is a mistake (the kernel's author
// thinks it changes the bound; it does not).
Found unread(std::string_view field, int v, Order o) {
  if (v == 0) return std::nullopt;
  return problem(std::string(field), std::to_string(v),
                 "0: order " + std::string(name(o)) + " does not read " + std::string(field));
}

bool fused_chunks(const Accumulation& a) {
  return a.order == Order::fused_block || (a.order == Order::split_k && a.frac_bits > 0);
}

Found check_shape(const Accumulation& a) {
  const Order o = a.order;
  if (static_cast<int>(o) >= kOrderCount)
    return problem("order", std::to_string(static_cast<int>(o)), "a known order");
  const bool reads_block = o == Order::blocked || fused_chunks(a);
  if (reads_block) {
    if (Found f = in_range("block", a.block, 1, name(o))) return f;
  } else if (Found f = unread("block", a.block, o)) {
    return f;
  }
  if (o == Order::tree) {
    if (Found f = in_range("fanin", a.fanin, 2, "tree")) return f;
  } else if (Found f = unread("fanin", a.fanin, o)) {
    return f;
  }
  if (o == Order::split_k) {
    if (Found f = in_range("splits", a.splits, 1, "split_k")) return f;
  } else if (Found f = unread("splits", a.splits, o)) {
    return f;
  }
  if (o == Order::strided) {
    if (Found f = in_range("lanes", a.lanes, 1, "strided")) return f;
    // The lanes meet in a butterfly: a lane count that is not a power of two has no partner
    // for some lanes.
    if ((a.lanes & (a.lanes - 1)) != 0)
      return problem("lanes", std::to_string(a.lanes), "strided needs a power of two");
  } else if (Found f = unread("lanes", a.lanes, o)) {
    return f;
  }
  if (o == Order::fused_block && (a.frac_bits < 1 || a.frac_bits > kMaxFracBits))
    return problem("frac_bits", std::to_string(a.frac_bits),
                   "fused_block needs frac_bits in [1, " + std::to_string(kMaxFracBits) + "]");
  if (o == Order::split_k && (a.frac_bits < 0 || a.frac_bits > kMaxFracBits))
    return problem("frac_bits", std::to_string(a.frac_bits),
                   "split_k: 0 (plain chunks) or [1, " + std::to_string(kMaxFracBits) +
                       "] (chunks of fused blocks)");
  if (o != Order::fused_block && o != Order::split_k)
    if (Found f = unread("frac_bits", a.frac_bits, o)) return f;
  if (a.operand_exponents && !fused_chunks(a))
    return problem("operand_exponents", "true", "false: only fused blocks align on exponents");
  if (a.zero_exponent && !fused_chunks(a))
    return problem("zero_exponent", std::to_string(*a.zero_exponent),
                   "unset: only fused blocks align zeros");
  if (a.out_frac_bits != 0 &&
      (o != Order::fused_block || a.out_frac_bits < 1 || a.out_frac_bits > kMaxFracBits))
    return problem("out_frac_bits", std::to_string(a.out_frac_bits),
                   "0, or [1, " + std::to_string(kMaxFracBits) + "] with fused_block");
  if (a.scale_group != 0 &&
      (o != Order::fused_block || a.scale_group < 1 || a.block % a.scale_group != 0))
    return problem("scale_group", std::to_string(a.scale_group),
                   "0, or a divisor of the block with fused_block");
  if (o != Order::split_k && a.partial != Format::fp32)
    return problem("partial", std::string(name(a.partial)),
                   "fp32 (the default): order " + std::string(name(o)) + " stores no partials");
  return std::nullopt;
}

Found check_formats(const Recipe& r) {
  if (r.input_cast) {
    const FormatDesc& from = desc(r.in);
    const FormatDesc& to = desc(*r.input_cast);
    if (to.precision >= from.precision && to.emin() <= from.emin() && to.emax() >= from.emax())
      return problem("input_cast", std::string(name(*r.input_cast)),
                     "a format narrower than in=" + std::string(name(r.in)) +
                         " (casting to a wider one changes nothing: leave it unset)");
    const Rounding m = r.input_cast_rounding;
    if (m != Rounding::rne && m != Rounding::rna && m != Rounding::rz)
      return problem("input_cast_rounding", std::string(name(m)), "rne, rna or rz");
  } else if (r.input_cast_rounding != Rounding::rne) {
    return problem("input_cast_rounding", std::string(name(r.input_cast_rounding)),
                   "rne (the default) when input_cast is unset");
  }
  return std::nullopt;
}

// The fused-block model (references/tensor_core_model.h) is bit-accurate: it sums at most 64
// exact products of operands of fp32 or narrower, and rounds deterministically.
Found check_fused(const Recipe& r) {
  if (!fused_chunks(r.shape)) return std::nullopt;
  if (r.shape.block > kMaxFusedBlock)
    return problem("block", std::to_string(r.shape.block),
                   "fused blocks need block in [1, " + std::to_string(kMaxFusedBlock) + "]");
  const Format operand = r.input_cast.value_or(r.in);
  if (desc(operand).precision > desc(Format::fp32).precision)
    return problem(r.input_cast ? "input_cast" : "in", std::string(name(operand)),
                   "fp32 or a narrower format with fused blocks (tensor cores)");
  if (r.acc_rounding == Rounding::sr)
    return problem("acc_rounding", "sr", "rne, rz, ru, rd or rna with fused blocks");
  return std::nullopt;
}

Found check_numbers(const Recipe& r) {
  if (!(r.math_ulps >= 0 && r.math_ulps <= kMaxRecipeParameter))
    return problem("math_ulps", std::to_string(r.math_ulps),
                   "a number in [0, " + std::to_string(kMaxRecipeParameter) + "]");
  if (!(r.domain.max_abs_input > 0))  // NaN fails this too
    return problem("max_abs_input", std::to_string(r.domain.max_abs_input),
                   "a positive number (or unset: unbounded)");
  if (static_cast<int>(r.method) >= kMethodCount)
    return problem("method", std::to_string(static_cast<int>(r.method)), "a known method");
  return std::nullopt;
}

}  // namespace

std::string RecipeProblem::line() const {
  return field + " = " + value + ": allowed: " + allowed;
}

std::optional<RecipeProblem> validate(const Recipe& r) {
  if (Found f = check_shape(r.shape)) return f;
  if (Found f = check_formats(r)) return f;
  if (Found f = check_fused(r)) return f;
  return check_numbers(r);
}

}  // namespace numguard
