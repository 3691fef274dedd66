#include "harness/studies/range_cliffs.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <fmt/format.h>

namespace numguard::studies {

double overflow_threshold(Format f) {
  const FormatDesc& d = desc(f);
  return d.max_finite() + std::ldexp(1.0, d.emax() - d.precision);
}

double underflow_threshold(Format f) {
  return desc(f).min_subnormal() / 2;
}

namespace {

std::string fname(Format f) {
  return std::string(name(f));
}

std::string num(double v) {
  return fmt::format("{:.6g}", v);
}

// The t > 0 with f(t) = y for f increasing on (0, hi], by bisection.
template <class F>
double solve_increasing(F f, double y, double hi) {
  double lo = 0;
  for (int i = 0; i < 200; ++i) {
    const double mid = (lo + hi) / 2;
    (f(mid) < y ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

// Largest |value| of a scaled operand's most negative entry: exp(-s |min|) is the smallest
// exponential the pattern makes.
double most_negative(const std::vector<double>& v) {
  double m = 0;
  for (double x : v) m = std::min(m, x);
  return -m;
}

struct RowStats {
  double max_range = 0;   // max over rows of (max - min)
  double max_sumsq = 0;   // max over rows of sum of squares (of deviations when centered)
  double max_sumabs = 0;  // max over rows of sum |x|
  double max_abs = 0;     // max |x|
};

RowStats row_stats(const std::vector<double>& v, int64_t rows, int64_t n, bool centered) {
  RowStats s;
  for (int64_t r = 0; r < rows; ++r) {
    double lo = INFINITY, hi = -INFINITY, sum = 0, sumabs = 0;
    for (int64_t j = 0; j < n; ++j) {
      const double x = v[static_cast<size_t>(r * n + j)];
      lo = std::min(lo, x);
      hi = std::max(hi, x);
      sum += x;
      sumabs += std::fabs(x);
      s.max_abs = std::max(s.max_abs, std::fabs(x));
    }
    const double mean = centered ? sum / static_cast<double>(n) : 0;
    double sq = 0;
    for (int64_t j = 0; j < n; ++j) {
      const double d = v[static_cast<size_t>(r * n + j)] - mean;
      sq += d * d;
    }
    s.max_range = std::max(s.max_range, hi - lo);
    s.max_sumsq = std::max(s.max_sumsq, sq);
    s.max_sumabs = std::max(s.max_sumabs, sumabs);
  }
  return s;
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

// x with erfc(x) = y for y in (0, 1], by bisection on double's erfc (monotone decreasing).
double erfc_inverse(double y) {
  double lo = 0, hi = 40;
  for (int i = 0; i < 200; ++i) {
    const double mid = (lo + hi) / 2;
    (std::erfc(mid) > y ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

class CliffList {
 public:
  CliffList(Format in) : lo_(underflow_threshold(in)), hi_(desc(in).max_finite()) {}
  void add(std::string what, double at, const char* side = "upper") {
    // Only the cliffs the sweep can reach: inside the input format's range.
    if (!(std::isfinite(at) && at > 0) || at < lo_ || at > hi_) return;
    for (const Cliff& c : list_)
      if (c.what == what) return;
    list_.push_back({std::move(what), at, side});
  }
  std::vector<Cliff> take() {
    std::stable_sort(list_.begin(), list_.end(),
                     [](const Cliff& a, const Cliff& b) { return a.at < b.at; });
    return std::move(list_);
  }

 private:
  double lo_, hi_;
  std::vector<Cliff> list_;
};

}  // namespace

std::vector<Cliff> range_cliffs(const KernelDesc& k, const RangePattern& pat) {
  const Recipe& rc = k.recipe;
  const Format in = rc.in, acc = rc.acc, out = rc.out;
  const Format stage = rc.stage.value_or(acc);
  const std::string& op = k.op;
  const FormatDesc& di = desc(in);
  CliffList c(in);
  c.add(fname(in) + " max finite (the input format's end)", di.max_finite());
  c.add(fname(in) + " min normal", di.min_normal(), "lower");
  c.add(fname(in) + " min subnormal (the input format's end)", di.min_subnormal(), "lower");
  auto T = overflow_threshold;
  auto Z = underflow_threshold;
  const Problem& s = pat.shape;

  if (op == "sum") {
    double sum = 0;
    for (double x : pat.values[0]) sum += std::fabs(x);
    c.add(fname(acc) + " accumulator overflows (sum of this input)", T(acc) / sum);
    if (out != acc) c.add("result overflows " + fname(out), T(out) / sum);
    c.add("result underflows " + fname(out) + " to 0", Z(out) / sum, "lower");
    if (rc.ftz)
      c.add("result below " + fname(out) + " min normal flushed (ftz)",
            desc(out).min_normal() / sum, "lower");
    if (rc.daz)
      c.add("inputs below " + fname(in) + " min normal read as 0 (daz)", di.min_normal(), "lower");
  } else if (op == "sumsq") {
    double sq = 0;
    for (double x : pat.values[0]) sq += x * x;
    const Format pf = rc.product.value_or(acc);
    c.add("x^2 overflows " + fname(pf), std::sqrt(T(pf)));
    c.add(fname(acc) + " sum of squares overflows (this input)", std::sqrt(T(acc) / sq));
    if (out != acc) c.add("result overflows " + fname(out), std::sqrt(T(out) / sq));
    c.add("x^2 underflows " + fname(pf) + " to 0", std::sqrt(Z(pf)), "lower");
  } else if (op == "dot" || op == "gemm") {
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
  } else if (op == "softmax" || op == "log_softmax" || op == "cross_entropy") {
    const RowStats st = row_stats(pat.values[0], s.m, s.n, false);
    const double neg = most_negative(pat.values[0]);
    if (rc.method == Method::no_max) {
      // exp(x) of the largest input (exactly s) and of the most negative one.
      c.add(fmt::format("{} exp overflow, ln({})", fname(stage), num(T(stage))),
            std::log(T(stage)));
      c.add("exp(x) of the most negative input subnormal in " + fname(stage),
            -std::log(desc(stage).min_normal()) / neg);
      c.add("exp(x) of the most negative input rounds to 0 in " + fname(stage),
            -std::log(Z(stage)) / neg);
    } else {
      c.add("exp(x - max) of the smallest input rounds to 0 in " + fname(stage),
            -std::log(Z(stage)) / st.max_range);
      c.add("x - max overflows " + fname(acc), T(acc) / st.max_range);
    }
    if (op == "softmax")
      c.add("smallest probability underflows " + fname(out) + " to 0",
            -std::log(Z(out)) / st.max_range);
    if (op == "log_softmax") {
      c.add("log-probability x - max overflows " + fname(out), T(out) / st.max_range);
      // A row's top log-probability is -log(1 + eps), eps ~ exp(s (x2 - max)) for its second
      // largest x2: once eps <= u of acc, 1 + eps rounds to 1 and it is computed as 0. The row
      // with the widest gap gets there first.
      double gap = 0;
      for (int64_t r = 0; r < s.m; ++r) {
        std::vector<double> row(pat.values[0].begin() + r * s.n,
                                pat.values[0].begin() + (r + 1) * s.n);
        std::sort(row.rbegin(), row.rend());
        if (row.size() > 1) gap = std::max(gap, row[0] - row[1]);
      }
      c.add("1 + exp(x2 - max) rounds to 1 in " + fname(acc) + " (top log-probability 0)",
            -std::log(desc(acc).unit_roundoff()) / gap);
    }
    if (op == "cross_entropy") {
      double loss = 0;  // sum over rows of max - x[target]: the losses at large s, over s
      for (int64_t r = 0; r < s.m; ++r) {
        double mx = -INFINITY;
        for (int64_t j = 0; j < s.n; ++j) mx = std::max(mx, pat.values[0][r * s.n + j]);
        loss += mx - pat.values[0][r * s.n + s.lengths[static_cast<size_t>(r)]];
      }
      if (loss > 0) {
        c.add("summed loss overflows " + fname(acc) + " (this input)", T(acc) / loss);
        c.add("mean loss overflows " + fname(out) + " (this input)",
              T(out) * static_cast<double>(s.m) / loss);
      }
    }
  } else if (op == "attention") {
    // The kernels form q.k in acc and then multiply by scale: the largest positive q.k of the
    // pattern overflows first (a -inf score only gets weight 0, as exactly it nearly has).
    double top = 0, spread = 0;
    const std::vector<double>& q = pat.values[0];
    const std::vector<double>& kk = pat.values[1];
    const double scale = s.scalars.at(0);
    for (int64_t i = 0; i < s.m; ++i) {
      double lo = INFINITY, hi = -INFINITY;
      for (int64_t j = 0; j < s.n; ++j) {
        double d = 0;
        for (int64_t l = 0; l < s.k; ++l) d += q[i * s.k + l] * kk[j * s.k + l];
        top = std::max(top, d);
        lo = std::min(lo, d * scale);
        hi = std::max(hi, d * scale);
      }
      spread = std::max(spread, hi - lo);
    }
    c.add("q_i k_i products overflow " + fname(acc), std::sqrt(T(acc)));
    if (top > 0)
      c.add("largest q.k overflows " + fname(acc) + " (this input)", std::sqrt(T(acc) / top));
    c.add("score - max overflows " + fname(acc) + " (this input)", std::sqrt(T(acc) / spread));
    c.add("exp(score - max) of the smallest score rounds to 0 in " + fname(stage),
          std::sqrt(-std::log(Z(stage)) / spread));
  } else if (op == "layernorm" || op == "rmsnorm" || op == "layernorm_backward" ||
             op == "rmsnorm_backward") {
    const bool centered = op.starts_with("layernorm");
    const RowStats st = row_stats(pat.values[0], s.m, s.n, centered);
    const double eps = s.scalars.at(0), n = static_cast<double>(s.n);
    c.add("x^2 overflows " + fname(acc), std::sqrt(T(acc)));
    c.add(std::string(centered ? "sum of squared deviations" : "sum of squares") + " overflows " +
              fname(acc) + " (this input)",
          std::sqrt(T(acc) / st.max_sumsq));
    if (centered) c.add("row sum overflows " + fname(acc), T(acc) / st.max_sumabs);
    // Below this scale eps dominates the variance: the output shrinks with x.
    c.add("variance equals eps (smaller x: the output scales with x)",
          std::sqrt(eps * n / st.max_sumsq), "lower");
    c.add("x^2 underflows " + fname(acc) + " to 0", std::sqrt(Z(acc)), "lower");
    c.add("normalized output x / sqrt(eps) underflows " + fname(out) + " to 0",
          Z(out) * std::sqrt(eps) / (st.max_abs * 1.5), "lower");
  } else if (op == "exp") {
    const double neg = most_negative(pat.values[0]);
    c.add(fmt::format("{} exp overflow, ln({})", fname(out), num(T(out))), std::log(T(out)));
    if (acc != out)
      c.add(fmt::format("{} exp overflow, ln({})", fname(acc), num(T(acc))), std::log(T(acc)));
    c.add("exp(x) of the most negative input subnormal in " + fname(out),
          -std::log(desc(out).min_normal()) / neg);
    c.add("exp(x) of the most negative input rounds to 0 in " + fname(out),
          -std::log(Z(out)) / neg);
  } else if (op == "silu" || op == "silu_backward") {
    // t / (1 + exp(-t)): exp(-t) = inf for the most negative input gives -0 (exact: -|t| e^t).
    const double neg = most_negative(pat.values[0]);
    c.add("exp(-x) of the sigmoid overflows " + fname(acc) + " (most negative input)",
          std::log(T(acc)) / neg);
  } else if (op == "gelu_tanh" || op == "gelu_tanh_backward") {
    // t / (1 + exp(-2z)), z = sqrt(2/pi) (t + 0.044715 t^3) (activation_math.h).
    const double neg = most_negative(pat.values[0]);
    c.add("x^3 overflows " + fname(acc), std::cbrt(T(acc)));
    const double t = solve_increasing(
        [](double x) { return 2 * 0.79788456080286536 * (x + 0.044715 * x * x * x); },
        std::log(T(acc)), 1e3);
    c.add("exp(-2z) of the sigmoid overflows " + fname(acc) + " (most negative input)", t / neg);
  } else if (op == "gelu") {
    const double neg = most_negative(pat.values[0]);
    c.add("erfc(-x / sqrt 2) underflows " + fname(acc) + " to 0 (most negative input)",
          std::sqrt(2.0) * erfc_inverse(Z(acc)) / neg);
  } else if (op == "gelu_backward") {
    // Phi(t) + t phi(t), phi = exp(-t^2 / 2) / sqrt(2 pi): once exp underflows only Phi is
    // left, while the exact value is about -|t| phi(t).
    const double neg = most_negative(pat.values[0]);
    c.add("x^2 overflows " + fname(acc), std::sqrt(T(acc)));
    c.add("exp(-x^2 / 2) underflows " + fname(acc) + " to 0 (most negative input)",
          std::sqrt(-2 * std::log(Z(acc))) / neg);
  } else if (op == "adam") {
    const double b2 = s.scalars.at(2);
    c.add("g^2 overflows " + fname(acc), std::sqrt(T(acc)));
    c.add("v' = (1 - beta2) g^2 overflows " + fname(out), std::sqrt(T(out) / (1 - b2)));
    c.add("g^2 underflows " + fname(acc) + " to 0", std::sqrt(Z(acc)), "lower");
    c.add("v' = (1 - beta2) g^2 underflows " + fname(out) + " to 0", std::sqrt(Z(out) / (1 - b2)),
          "lower");
  }
  // Elementwise results of the size of x in a narrower output format.
  if ((op == "gelu" || op == "gelu_tanh" || op == "silu") && out != in)
    c.add("result overflows " + fname(out), T(out));
  return c.take();
}

}  // namespace numguard::studies
