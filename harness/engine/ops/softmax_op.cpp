// softmax and log_softmax over the rows of a (m x n); out is m x n. The bound follows the
// recipe's method (two_pass, online, no_max) and order operation by operation
// (running_error.h; docs/error-models.md, "softmax").
#include <algorithm>
#include <cmath>
#include <limits>

#include "harness/core/reduce_order.h"
#include "harness/engine/ops/op_cases.h"
#include "harness/engine/ops/row_op_common.h"
#include "harness/engine/ops/softmax_bound.h"
#include "references/row_reference.h"

namespace numguard::ops {
namespace {

Problem make_rows(const KernelDesc& kd, Rng& r, std::string_view g) {
  const Format in = kd.recipe.in;
  Problem p;
  p.m = r.integer(1, 4);
  p.n = row_length(g, 256, std::max(kd.recipe.shape.lanes, 32), r);
  // Logits: spread 8 (softmax's interesting region), the whole range for log_uniform and
  // near_overflow, a large offset for ill_conditioned.
  const ValueFn v = values_for(g, in, 8, r);
  p.a = fill_tensor(in, {p.m, p.n}, r, v);
  if (g == "special") plant_specials(p.a, r);
  return p;
}

std::vector<OpElement> judge_rows(const Recipe& rc, const Problem& p, bool log) {
  std::vector<OpElement> out;
  out.reserve(p.a.size());
  const std::string declared = declared_domain_reason(rc, {&p.a});
  for (int64_t row = 0; row < p.m; ++row) {
    const std::vector<double> x = row_values(p.a, p.n, row);
    const std::vector<double> y = mpfr_ref::softmax(x, log);
    const std::vector<Val> got = softmax_row_bound(rc, x, log);
    double scale = 0;
    bool pos_inf = false;
    for (double v : x) {
      if (std::isfinite(v)) scale = std::max(scale, std::fabs(v));
      pos_inf = pos_inf || v == std::numeric_limits<double>::infinity();
    }
    for (int64_t j = 0; j < p.n; ++j) {
      OpElement e = element_from(rc, y[j], got[j], scale);
      if (!declared.empty()) e.domain = declared;
      // exp(inf - inf): two-pass kernels give a NaN row, online ones NaN and zeros; softmax
      // has no value there, and no kernel promises one.
      if (pos_inf) e.domain = "a +inf logit (softmax undefined)";
      out.push_back(std::move(e));
    }
  }
  return out;
}

OpInfo make_op(std::string name, bool log) {
  OpInfo op;
  op.name = std::move(name);
  op.operands = "a: m rows of n logits; out: m x n";
  op.make = make_rows;
  op.out_shape = [](const Problem& p) { return std::vector<int64_t>{p.m, p.n}; };
  op.judge = [log](const Recipe& rc, const Problem& p) { return judge_rows(rc, p, log); };
  op.describe = [](const Problem& p, size_t i) {
    const int64_t row = static_cast<int64_t>(i) / std::max<int64_t>(p.n, 1);
    return "row " + std::to_string(row) + " of a: " + describe_row(p.a, p.n, row);
  };
  return op;
}

}  // namespace

const OpInfo& softmax_op() {
  static const OpInfo op = make_op("softmax", false);
  return op;
}
const OpInfo& log_softmax_op() {
  static const OpInfo op = make_op("log_softmax", true);
  return op;
}

}  // namespace numguard::ops
