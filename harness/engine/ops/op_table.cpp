// The table of row and elementwise ops: one row each, defined in harness/engine/ops/*_op.cpp.
#include <algorithm>

#include "harness/engine/op.h"

namespace numguard {
namespace ops {
const OpInfo& softmax_op();
const OpInfo& log_softmax_op();
const OpInfo& cross_entropy_op();
const OpInfo& adam_op();
const OpInfo& amax_op();
const OpInfo& attention_op();
const OpInfo& layernorm_op();
const OpInfo& layernorm_backward_op();
const OpInfo& rmsnorm_op();
const OpInfo& rmsnorm_backward_op();
const OpInfo& gelu_op();
const OpInfo& gelu_tanh_op();
const OpInfo& silu_op();
const OpInfo& gelu_backward_op();
const OpInfo& gelu_tanh_backward_op();
const OpInfo& silu_backward_op();
const OpInfo& exp_op();
}  // namespace ops

const std::vector<const OpInfo*>& op_table() {
  static const std::vector<const OpInfo*> t = {
      &ops::softmax_op(),
      &ops::log_softmax_op(),
      &ops::cross_entropy_op(),
      &ops::attention_op(),
      &ops::layernorm_op(),
      &ops::layernorm_backward_op(),
      &ops::rmsnorm_op(),
      &ops::rmsnorm_backward_op(),
      &ops::gelu_op(),
      &ops::gelu_tanh_op(),
      &ops::silu_op(),
      &ops::gelu_backward_op(),
      &ops::gelu_tanh_backward_op(),
      &ops::silu_backward_op(),
      &ops::exp_op(),
      &ops::adam_op(),
      &ops::amax_op(),
  };
  return t;
}

const OpInfo* find_op(std::string_view name) {
  for (const OpInfo* op : op_table())
    if (op->name == name) return op;
  return nullptr;
}

}  // namespace numguard
