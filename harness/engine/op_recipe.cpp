#include "harness/engine/op_recipe.h"

#include "references/mx_block.h"

#include <algorithm>
#include <string>

namespace numguard {
namespace {

using Found = std::optional<RecipeProblem>;

template <class T>
std::string list(const std::vector<T>& xs) {
  std::string s;
  for (const T& x : xs) s += (s.empty() ? "" : ", ") + std::string(name(x));
  return s;
}

Found unread(const OpInfo& op, std::string field, std::string value, std::string keep) {
  return RecipeProblem{std::move(field), std::move(value),
                       keep + " (op " + op.name + " does not read it)"};
}

// Fields only the reduction family's accumulation model reads.
Found accumulation_fields(const Recipe& r, const OpInfo& op) {
  if (r.input_cast) return unread(op, "input_cast", std::string(name(*r.input_cast)), "unset");
  if (r.product) return unread(op, "product", std::string(name(*r.product)), "unset");
  if (r.acc_rounding != Rounding::rne)
    return unread(op, "acc_rounding", std::string(name(r.acc_rounding)), "rne");
  if (r.ftz.any()) return unread(op, "ftz", flush_name(r.ftz), "none");
  if (r.domain.normal_inputs_only) return unread(op, "normal_inputs_only", "true", "false");
  return std::nullopt;
}

// math_ulps: only row and elementwise ops call exp, log or erfc.
Found row_fields(const Recipe& r, const OpInfo& op) {
  if (r.math_ulps != 0) return unread(op, "math_ulps", std::to_string(r.math_ulps), "0");
  return std::nullopt;
}

}  // namespace

std::optional<RecipeProblem> unread_by_op(const Recipe& r, const OpInfo& op) {
  const RecipeUse& use = op.recipe_use;
  if (!use.block_scaling && r.block_scaling.block)
    return unread(op, "block_format", std::string(mx::block_format_of(r.block_scaling).name),
                  "unset");
  if (use.block_scaling && !r.block_scaling.block)
    return RecipeProblem{"block_format", "NULL",
                         "the block format op " + op.name + " quantizes A and B into"};
  // Exact groups exist only where products carry block scales.
  const bool scaled =
      use.block_scaling ||
      std::any_of(op.schema.operands.begin(), op.schema.operands.end(), [](const Operand& o) {
        return o.format == OperandFormat::scale || o.format == OperandFormat::scale_ue4m3;
      });
  if (!scaled && r.shape.scale_group)
    return unread(op, "scale_group", std::to_string(r.shape.scale_group), "0");
  if (use.block_scaling) {  // the quantization is the only cast the op's model has
    if (r.input_cast) return unread(op, "input_cast", std::string(name(*r.input_cast)), "unset");
    if (r.product) return unread(op, "product", std::string(name(*r.product)), "unset");
    if (r.ftz.any()) return unread(op, "ftz", flush_name(r.ftz), "none");
  }
  if (!use.accumulation) {
    if (Found f = accumulation_fields(r, op)) return f;
    if (std::find(use.orders.begin(), use.orders.end(), r.shape.order) == use.orders.end())
      return RecipeProblem{"order", std::string(name(r.shape.order)),
                           list(use.orders) + " (the orders op " + op.name + "'s bound models)"};
  } else if (Found f = row_fields(r, op)) {
    return f;
  }
  if (std::find(use.methods.begin(), use.methods.end(), r.method) == use.methods.end())
    return RecipeProblem{"method", std::string(name(r.method)),
                         list(use.methods) + " (the methods of op " + op.name + ")"};
  if (!use.stage && r.stage) return unread(op, "stage", std::string(name(*r.stage)), "unset");
  if (!use.empty_rows && r.empty_rows != EmptyRows::op_default)
    return unread(op, "empty_rows", std::string(name(r.empty_rows)), "op_default");
  if (!op.schema.alpha_beta) {
    if (r.alpha_beta != AlphaBeta::blas)
      return unread(op, "alpha_beta", std::string(name(r.alpha_beta)), "blas");
    if (r.domain.alpha_scales_inputs) return unread(op, "alpha_applies", "to_inputs", "after");
  }
  return std::nullopt;
}

}  // namespace numguard
