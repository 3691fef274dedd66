// cross_entropy: the mean over the m rows of a (m x n logits) of logsumexp(row) - row[target],
// targets in lengths; out is one fp32 element. The bound follows the kernel: each row's
// softmax sum as the recipe forms it (softmax_bound.h), lse = max + log(sum), the loss
// lse - x[target], a sequential fp32 sum of the losses and the division by m
// (docs/error-models.md, "Cross-entropy, Adam").
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "harness/engine/ops/op_cases.h"
#include "harness/engine/ops/row_op_common.h"
#include "harness/engine/ops/softmax_bound.h"
#include "references/row_reference.h"

namespace numguard::ops {
namespace {

Problem make_batch(const KernelDesc& kd, Rng& r, std::string_view g) {
  const Format in = kd.recipe.in;
  Problem p;
  // Up to 64 rows (log-uniform: the MPFR cost grows with m n): batch sums of losses ~5-10
  // reach a few hundred, where a narrow batch accumulator keeps 2 fraction bits.
  p.m = r.log_uniform(1, 64);
  p.n = row_length(g, 256, std::max(kd.recipe.shape.lanes, 32), r);
  ValueFn v = values_for(g, in, 8, r);
  if ((g == "uniform" || g == "normal" || g == "tile_edges") && r.coin(0.3)) {
    // A large common offset: lse = max + log(sum) then carries the rounding of |max|.
    const double offset = (r.coin() ? -1 : 1) * std::ldexp(1.0, static_cast<int>(r.integer(4, 10)));
    v = [v, offset](Rng& x) { return offset + v(x); };
  }
  p.a = fill_tensor(in, {p.m, p.n}, r, v);
  if (g == "special") plant_specials(p.a, r);
  p.lengths.resize(static_cast<size_t>(p.m));
  for (auto& t : p.lengths) t = r.integer(0, p.n - 1);
  return p;
}

std::vector<OpElement> judge_batch(const Recipe& rc, const Problem& p) {
  const RunningError ar(rc.acc, rc.math_ulps);
  std::vector<double> all(p.a.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = p.a.value(i);
  const double y = mpfr_ref::cross_entropy(all, p.n, p.lengths);
  Val total = RunningError::exact(0);
  double scale = 0;
  for (int64_t row = 0; row < p.m; ++row) {
    const std::vector<double> x = row_values(p.a, p.n, row);
    for (double v : x)
      if (std::isfinite(v)) scale = std::max(scale, std::fabs(v));
    const SoftmaxSum s = softmax_sum_bound(rc, x);
    const Val lse = ar.add(RunningError::exact(s.max), ar.log(s.sum));
    const Val loss = ar.sub(
        lse, RunningError::exact(x[static_cast<size_t>(p.lengths[static_cast<size_t>(row)])]));
    total = ar.add(total, loss);
  }
  const Val mean = ar.div(total, RunningError::exact(static_cast<double>(p.m)));
  OpElement e = element_from(rc, y, mean, scale);
  const std::string declared = declared_domain_reason(rc, {&p.a});
  if (!declared.empty()) e.domain = declared;
  return {e};
}

}  // namespace

const OpInfo& cross_entropy_op() {
  static const OpInfo op = [] {
    OpInfo o;
    o.name = "cross_entropy";
    o.operands = "a: m rows of n logits, lengths: m targets in [0, n); out: the mean loss (fp32)";
    o.make = make_batch;
    o.out_shape = [](const Problem&) { return std::vector<int64_t>{1}; };
    o.judge = judge_batch;
    o.describe = [](const Problem& p, size_t) {
      std::string s = fmt::format("{} rows of {} logits; row 0 of a: {}; targets:", p.m, p.n,
                                  describe_row(p.a, p.n, 0));
      for (size_t i = 0; i < p.lengths.size() && i < 16; ++i) s += fmt::format(" {}", p.lengths[i]);
      if (p.lengths.size() > 16) s += " ...";
      return s;
    };
    return o;
  }();
  return op;
}

}  // namespace numguard::ops
