#include "harness/engine/ops/softmax_bound.h"

#include <fmt/format.h>

#include "harness/engine/ops/row_study.h"

#include <cmath>

#include "harness/core/reduce_order.h"

namespace numguard::ops {
namespace {

Val staged(const Recipe& rc, const Val& v) {
  return rc.stage ? RunningError::store(v, *rc.stage) : v;
}

// exp of a difference that may be -inf or far below exp's underflow: exactly 0, no error.
Val exp_of(const RunningError& ar, const Val& d) {
  if (!std::isfinite(d.v)) return RunningError::exact(0);  // exp(-inf) is exactly 0
  // Far below exp's underflow the kernel gives 0: within e^(v + err) of the exact e^v.
  if (d.v + d.err < -200) return {std::exp(d.v), std::exp(d.v + d.err), 0, false};
  return ar.exp(d);
}

}  // namespace

Val softmax_numerator(const Recipe& rc, const RunningError& ar, double xi, double max) {
  if (rc.method == Method::no_max) return staged(rc, exp_of(ar, RunningError::exact(xi)));
  if (!std::isfinite(xi)) return RunningError::exact(0);
  return staged(rc, exp_of(ar, ar.sub(RunningError::exact(xi), RunningError::exact(max))));
}

SoftmaxSum softmax_sum_bound(const Recipe& rc, const std::vector<double>& x) {
  const RunningError ar(rc.acc, rc.math_ulps);
  const auto n = static_cast<int64_t>(x.size());
  if (rc.method == Method::online) {
    // State (m, s): a larger x rescales, s = s * exp(m - x) + 1; otherwise s += exp(x - m).
    // Combining two states rescales both to the larger max.
    auto rescale = [&](const Val& s, double from, double to) {
      if (from == to) return s;
      return ar.mul(s, exp_of(ar, ar.sub(RunningError::exact(from), RunningError::exact(to))));
    };
    SoftmaxSum init;
    init.sum = RunningError::exact(0);
    auto step = [&](const SoftmaxSum& s, double xi) {
      SoftmaxSum t;
      if (xi > s.max) {
        t.max = xi;
        t.sum =
            ar.add(std::isinf(s.max) ? s.sum : rescale(s.sum, s.max, xi), RunningError::exact(1));
      } else {
        t.max = s.max;
        t.sum =
            ar.add(s.sum, exp_of(ar, ar.sub(RunningError::exact(xi), RunningError::exact(s.max))));
      }
      return t;
    };
    auto combine = [&](const SoftmaxSum& a, const SoftmaxSum& b) {
      // Empty states are (-inf, 0); a lane whose first element was NaN is (-inf, NaN).
      auto empty = [](const SoftmaxSum& t) {
        return std::isinf(t.max) && t.max < 0 && t.sum.v == 0;
      };
      if (empty(b)) return a;
      if (empty(a)) return b;
      SoftmaxSum t;
      t.max = std::max(a.max, b.max);
      t.sum = ar.add(rescale(a.sum, a.max, t.max), rescale(b.sum, b.max, t.max));
      return t;
    };
    return reduce_in_order(
        rc.shape, n, init, [&](int64_t i) { return x[static_cast<size_t>(i)]; }, step, combine);
  }
  SoftmaxSum s;
  if (rc.method != Method::no_max)
    for (double v : x) s.max = std::max(s.max, v);
  s.sum = reduce_in_order(
      rc.shape, n, RunningError::exact(0),
      [&](int64_t i) { return softmax_numerator(rc, ar, x[static_cast<size_t>(i)], s.max); },
      [&](const Val& a, const Val& b) { return ar.add(a, b); },
      [&](const Val& a, const Val& b) { return ar.add(a, b); });
  return s;
}

std::vector<Val> softmax_row_bound(const Recipe& rc, const std::vector<double>& x, bool log) {
  const RunningError ar(rc.acc, rc.math_ulps);
  const SoftmaxSum s = softmax_sum_bound(rc, x);
  std::vector<Val> y(x.size());
  if (log) {
    // log_softmax: (x_i - max) - log(sum).
    const Val ls = ar.log(s.sum);
    for (size_t i = 0; i < x.size(); ++i)
      y[i] = ar.sub(ar.sub(RunningError::exact(x[i]), RunningError::exact(s.max)), ls);
    return y;
  }
  for (size_t i = 0; i < x.size(); ++i)
    y[i] = ar.div(softmax_numerator(rc, ar, x[i], s.max), s.sum);
  return y;
}

void softmax_exp_cliffs(const Recipe& rc, const RangePattern& pat, CliffList& c) {
  const Format acc = rc.acc, stage = rc.stage.value_or(acc);
  const Problem& s = pat.shape;
  const RowStats st = row_stats(pat.values[0], s.m, s.n, false);
  const double neg = most_negative(pat.values[0]);
  auto T = overflow_threshold;
  auto Z = underflow_threshold;
  if (rc.method == Method::no_max) {
    // exp(x) of the largest input (exactly s) and of the most negative one.
    c.add(fmt::format("{} exp overflow, ln({})", fname(stage), num(T(stage))), std::log(T(stage)));
    c.add("exp(x) of the most negative input subnormal in " + fname(stage),
          -std::log(desc(stage).min_normal()) / neg);
    c.add("exp(x) of the most negative input rounds to 0 in " + fname(stage),
          -std::log(Z(stage)) / neg);
  } else {
    c.add("exp(x - max) of the smallest input rounds to 0 in " + fname(stage),
          -std::log(Z(stage)) / st.max_range);
    c.add("x - max overflows " + fname(acc), T(acc) / st.max_range);
  }
}

RangePattern logits_pattern(Rng& r, int64_t rows) {
  RangePattern p;
  row_pattern(p, r, rows, kPatternRow);
  positive_row_maxima(p.values[0], p.shape.m, p.shape.n);
  p.max_positive = true;
  return p;
}

}  // namespace numguard::ops
