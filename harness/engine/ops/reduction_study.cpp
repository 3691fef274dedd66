#include "harness/engine/ops/reduction_study.h"

#include "harness/engine/ops/row_study.h"

#include <cmath>
#include <string>

#include <fmt/format.h>

namespace numguard::ops {
namespace {

// Outputs of gemm's accumulation problem: r x r, each a dot product of length n.
constexpr int64_t kGemmSide = 2;
constexpr int64_t kRow = kPatternRow;

Problem accumulation_problem(const ReductionForm& f, const AccumulationInputs& in) {
  Problem p;
  const int64_t n = in.n;
  if (!f.gemm) {
    p.m = p.n = 1;
    p.k = n;
    p.a = in.tensor({1, n}, in.stream(0, n, false));
    if (f.has_b) p.b = in.tensor({n, 1}, in.stream(1, n, true));
    return p;
  }
  p.m = p.n = kGemmSide;
  p.k = n;
  p.a = in.rows(0, kGemmSide, n);  // row i: stream i
  // Column j of b is stream 2 + j; b is stored k x n row-major.
  p.b = Tensor(in.in, {n, kGemmSide});
  for (int64_t j = 0; j < kGemmSide; ++j) {
    const std::vector<uint64_t> s = in.stream(2 + static_cast<int>(j), n, true);
    for (int64_t l = 0; l < n; ++l)
      p.b.bits[static_cast<size_t>(l * kGemmSide + j)] = s[static_cast<size_t>(l)];
  }
  return p;
}

RangePattern pattern(const ReductionForm& f, Rng& r) {
  RangePattern p;
  Problem& s = p.shape;
  s.k = kRow;
  // Positive terms (and positive products): every partial sum grows, the case where an
  // accumulator overflows first; n |x| bounds the sum.
  auto pos = [](Rng& g) { return g.uniform(0.0625, 1); };
  if (f.gemm) {
    s.m = 4;
    s.n = 4;
    p.draw(0, {s.m, s.k}, r, pos);
    p.draw(1, {s.k, s.n}, r, pos);
    p.scaled = {true, true, false, false};
    p.scaled_desc =
        "A (4 x 64) and B (64 x 4) both scaled, entries in [1/16, 1] (every product positive); "
        "alpha = 1, beta = 0";
  } else if (f.has_b) {
    p.draw(0, {1, s.k}, r, pos);
    p.draw(1, {s.k, 1}, r, pos);
    p.scaled = {true, true, false, false};
    p.scaled_desc = "x and y (64 each) both scaled, entries in [1/16, 1] (every product positive)";
  } else if (f.quadratic) {
    p.draw(0, {1, s.k}, r, uniform_pm1);
    p.scaled = {true, false, false, false};
    p.scaled_desc = "x (64 values in [-1, 1]) scaled";
  } else {
    p.draw(0, {1, s.k}, r, pos);
    p.scaled = {true, false, false, false};
    p.scaled_desc = "x (64 values in [1/16, 1], all positive) scaled";
  }
  return p;
}

// Out (m x n) = a (m x k) b (k x n) on the pattern: the largest output and the largest product.
void product_stats(const RangePattern& p, double* max_out, double* max_prod, double* min_prod) {
  const Problem& s = p.shape;
  const std::vector<double>& a = p.values[0];
  const std::vector<double>& b = p.values[1];
  *max_out = 0;
  *max_prod = 0;
  *min_prod = INFINITY;
  for (int64_t i = 0; i < s.m; ++i)
    for (int64_t j = 0; j < s.n; ++j) {
      double acc = 0;
      for (int64_t l = 0; l < s.k; ++l) {
        const double q = a[static_cast<size_t>(i * s.k + l)] * b[static_cast<size_t>(l * s.n + j)];
        acc += q;
        *max_prod = std::max(*max_prod, std::fabs(q));
        *min_prod = std::min(*min_prod, std::fabs(q));
      }
      *max_out = std::max(*max_out, std::fabs(acc));
    }
}

void cliffs(const ReductionForm& f, const Recipe& rc, const RangePattern& pat, CliffList& c) {
  const Format in = rc.in, acc = rc.acc, out = rc.out;
  const FormatDesc& di = desc(in);
  auto T = overflow_threshold;
  auto Z = underflow_threshold;
  if (f.has_b) {
    double max_out = 0, max_prod = 0, min_prod = 0;
    product_stats(pat, &max_out, &max_prod, &min_prod);
    if (rc.product)
      c.add("products overflow " + fname(*rc.product) + " (this input)",
            std::sqrt(T(*rc.product) / max_prod));
    c.add("largest product alone overflows " + fname(acc), std::sqrt(T(acc) / max_prod));
    c.add(fname(acc) + " accumulator overflows (this input)", std::sqrt(T(acc) / max_out));
    if (out != acc) c.add("result overflows " + fname(out), std::sqrt(T(out) / max_out));
    const Format pf = rc.product.value_or(acc);
    c.add("smallest product underflows " + fname(pf) + " to 0", std::sqrt(Z(pf) / min_prod),
          "lower");
    c.add("every product underflows " + fname(pf) + " to 0", std::sqrt(Z(pf) / max_prod), "lower");
    c.add("result underflows " + fname(out) + " to 0", std::sqrt(Z(out) / max_out), "lower");
  } else if (f.quadratic) {
    double sq = 0;
    for (double x : pat.values[0]) sq += x * x;
    const Format pf = rc.product.value_or(acc);
    c.add("x^2 overflows " + fname(pf), std::sqrt(T(pf)));
    c.add(fname(acc) + " sum of squares overflows (this input)", std::sqrt(T(acc) / sq));
    if (out != acc) c.add("result overflows " + fname(out), std::sqrt(T(out) / sq));
    c.add("x^2 underflows " + fname(pf) + " to 0", std::sqrt(Z(pf)), "lower");
  } else {
    double sum = 0;
    for (double x : pat.values[0]) sum += std::fabs(x);
    c.add(fname(acc) + " accumulator overflows (sum of this input)", T(acc) / sum);
    if (out != acc) c.add("result overflows " + fname(out), T(out) / sum);
    c.add("result underflows " + fname(out) + " to 0", Z(out) / sum, "lower");
    if (rc.ftz.any())
      c.add("result below " + fname(out) + " min normal flushed (ftz)",
            desc(out).min_normal() / sum, "lower");
    if (rc.daz)
      c.add("inputs below " + fname(in) + " min normal read as 0 (daz)", di.min_normal(), "lower");
  }
}

}  // namespace

AccumulationSpec reduction_accumulation(const ReductionForm& f, std::string length_meaning,
                                        std::string noun, std::vector<std::string> plotted) {
  // The exact accumulator costs a few ns per term, so the family runs to 2^20 on every
  // distribution (docs/studies-accumulation.md has the measured costs).
  AccumulationSpec a;
  a.length_meaning = std::move(length_meaning);
  a.noun = std::move(noun);
  a.max_log2_n_full = 20;
  a.max_log2_n_quick = 14;
  a.stagnation = true;
  a.exact_accumulator = true;
  a.work_quick = f.gemm ? 1 << 13 : 1 << 15;
  a.work_full = f.gemm ? 1 << 15 : 1 << 17;
  a.min_trials = f.gemm ? 1 : 2;
  a.max_trials = f.gemm ? 16 : 64;
  a.plotted = std::move(plotted);
  a.build = [f](const AccumulationInputs& in) { return accumulation_problem(f, in); };
  if (f.has_b)
    a.gendot = [](Format in, Rng& r, int64_t n, double cond, double* achieved) {
      return gendot_problem(in, true, r, n, cond, achieved);
    };
  return a;
}

RangeSpec reduction_range(const ReductionForm& f) {
  RangeSpec s;
  s.pattern = [f](Rng& r) { return pattern(f, r); };
  s.cliffs = [f](const Recipe& rc, const RangePattern& pat, CliffList& c) {
    cliffs(f, rc, pat, c);
  };
  s.cost = f.gemm ? 2 : 1;
  return s;
}

}  // namespace numguard::ops
