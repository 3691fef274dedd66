#include "harness/studies/range_inputs.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>

#include "harness/core/rounding.h"
#include "harness/engine/generators.h"
#include "harness/engine/op.h"
#include "harness/engine/random.h"

namespace numguard::studies {
namespace {

// Row length of every pattern: long enough for a reduction's accumulator to grow, short enough
// that a sweep of a few hundred scales with bisections stays fast.
constexpr int64_t kRow = 64;

uint64_t op_salt(const std::string& op) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a: the same op gets the same values every run
  for (char c : op) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return h;
}

std::vector<double> draw(size_t count, Rng& r, const std::function<double(Rng&)>& f) {
  std::vector<double> v(count);
  for (double& x : v) x = f(r);
  return v;
}

// Divides the scaled operands by their largest magnitude and makes that element exactly +-1
// (positive when `max_positive`: softmax's and exp's largest input must be the largest value,
// so that exp(max) is what overflows).
void normalize(RangePattern& p, bool max_positive) {
  double top = 0;
  double* arg = nullptr;
  for (int i = 0; i < 4; ++i)
    if (p.scaled[i])
      for (double& x : p.values[i])
        if (std::fabs(x) > top) {
          top = std::fabs(x);
          arg = &x;
        }
  if (!arg) throw std::logic_error("range pattern: no scaled operand");
  for (int i = 0; i < 4; ++i)
    if (p.scaled[i])
      for (double& x : p.values[i]) x /= top;
  *arg = max_positive ? 1.0 : std::copysign(1.0, *arg);
}

// Each row's largest-magnitude logit made positive: every row's max is then its largest |x|.
void positive_row_maxima(std::vector<double>& v, int64_t rows, int64_t n) {
  for (int64_t r = 0; r < rows; ++r) {
    auto first = v.begin() + r * n;
    auto it = std::max_element(first, first + n,
                               [](double a, double b) { return std::fabs(a) < std::fabs(b); });
    *it = std::fabs(*it);
  }
}

double uniform_pm1(Rng& r) {
  return r.uniform(-1, 1);
}

RangePattern reduction_pattern(const std::string& op, Rng& r) {
  RangePattern p;
  Problem& s = p.shape;
  s.k = kRow;
  // Positive terms (and positive products): every partial sum grows, the case where an
  // accumulator overflows first; n |x| bounds the sum.
  auto pos = [](Rng& g) { return g.uniform(0.0625, 1); };
  if (op == "gemm") {
    s.m = 4;
    s.n = 4;
    p.values[0] = draw(static_cast<size_t>(s.m * s.k), r, pos);
    p.values[1] = draw(static_cast<size_t>(s.k * s.n), r, pos);
    p.shapes[0] = {s.m, s.k};
    p.shapes[1] = {s.k, s.n};
    p.scaled = {true, true, false, false};
    p.scaled_desc =
        "A (4 x 64) and B (64 x 4) both scaled, entries in [1/16, 1] (every product positive); "
        "alpha = 1, beta = 0";
  } else if (op == "dot") {
    p.values[0] = draw(kRow, r, pos);
    p.values[1] = draw(kRow, r, pos);
    p.shapes[0] = {1, s.k};
    p.shapes[1] = {s.k, 1};
    p.scaled = {true, true, false, false};
    p.scaled_desc = "x and y (64 each) both scaled, entries in [1/16, 1] (every product positive)";
  } else if (op == "sumsq") {
    p.values[0] = draw(kRow, r, uniform_pm1);
    p.shapes[0] = {1, s.k};
    p.scaled = {true, false, false, false};
    p.scaled_desc = "x (64 values in [-1, 1]) scaled";
  } else {  // sum
    p.values[0] = draw(kRow, r, pos);
    p.shapes[0] = {1, s.k};
    p.scaled = {true, false, false, false};
    p.scaled_desc = "x (64 values in [1/16, 1], all positive) scaled";
  }
  return p;
}

}  // namespace

RangePattern range_pattern(const KernelDesc& k, uint64_t seed) {
  Rng r(case_seed(seed, op_salt(k.op), 0x52414e4745ull));  // "RANGE"
  const std::string& op = k.op;
  RangePattern p;
  Problem& s = p.shape;
  bool max_positive = false;
  auto rows = [&](int64_t m, int64_t n) {
    s.m = m;
    s.n = n;
    p.values[0] = draw(static_cast<size_t>(m * n), r, uniform_pm1);
    p.shapes[0] = {m, n};
    p.scaled[0] = true;
  };
  if (op == "sum" || op == "sumsq" || op == "dot" || op == "gemm") {
    p = reduction_pattern(op, r);
  } else if (op == "softmax" || op == "log_softmax" || op == "cross_entropy" || op == "exp") {
    rows(op == "cross_entropy" ? 4 : 2, kRow);
    positive_row_maxima(p.values[0], s.m, s.n);
    max_positive = true;
    if (op == "cross_entropy") {
      s.lengths.resize(static_cast<size_t>(s.m));
      for (auto& t : s.lengths) t = r.integer(0, s.n - 1);
      p.scaled_desc =
          "logits (4 rows of 64 in [-1, 1], each row's largest |x| positive) scaled; "
          "targets fixed";
    } else {
      p.scaled_desc = "x (" + std::to_string(s.m) +
                      " rows of 64 in [-1, 1], each row's largest |x| positive) scaled";
    }
  } else if (op == "layernorm" || op == "rmsnorm" || op == "layernorm_backward" ||
             op == "rmsnorm_backward") {
    rows(2, kRow);
    const bool backward = op.ends_with("_backward"), ln = op.starts_with("layernorm");
    p.values[1] = draw(kRow, r, [](Rng& g) { return g.uniform(0.5, 1.5); });
    p.shapes[1] = {kRow};
    if (backward) {
      p.values[2] = draw(static_cast<size_t>(s.m * s.n), r, uniform_pm1);
      p.shapes[2] = {s.m, s.n};
    } else if (ln) {
      p.values[2].assign(kRow, 0.0);
      p.shapes[2] = {kRow};
    }
    s.scalars = {round_value(Format::fp32, 1e-5)};
    p.scaled_desc = std::string("x (2 rows of 64 in [-1, 1]) scaled; gamma fixed in [0.5, 1.5]") +
                    (backward ? "; dy fixed in [-1, 1]"
                     : ln     ? "; beta = 0 (so the normalized part is not masked by beta)"
                              : "") +
                    "; eps = 1e-5";
  } else if (op == "attention") {
    s.m = 8;
    s.n = 16;
    s.k = 16;
    p.values[0] = draw(static_cast<size_t>(s.m * s.k), r, uniform_pm1);
    p.values[1] = draw(static_cast<size_t>(s.n * s.k), r, uniform_pm1);
    p.values[2] = draw(static_cast<size_t>(s.n * s.k), r, uniform_pm1);
    p.shapes[0] = {s.m, s.k};
    p.shapes[1] = {s.n, s.k};
    p.shapes[2] = {s.n, s.k};
    p.scaled = {true, true, false, false};
    s.lengths.assign(static_cast<size_t>(s.m), s.n);
    s.scalars = {round_value(Format::fp32, 1 / std::sqrt(static_cast<double>(s.k)))};
    p.scaled_desc =
        "Q (8 x 16) and K (16 x 16) scaled (the scores grow as s^2); V (16 x 16) fixed in "
        "[-1, 1]; every key visible; scale 1/sqrt(16)";
  } else if (op == "adam") {
    s.m = 1;
    s.n = kRow;
    p.values[0] = draw(kRow, r, uniform_pm1);
    p.values[1] = draw(kRow, r, uniform_pm1);
    p.values[2].assign(kRow, 0.0);
    p.values[3].assign(kRow, 0.0);
    for (int i = 0; i < 4; ++i) p.shapes[i] = {kRow};
    p.scaled = {false, true, false, false};
    s.scalars = {round_value(Format::fp32, 1e-3), round_value(Format::fp32, 0.9),
                 round_value(Format::fp32, 0.999), round_value(Format::fp32, 1e-8), 1};
    p.scaled_desc =
        "the gradient g (64 values in [-1, 1]) scaled; w fixed in [-1, 1]; m = v = 0 (a fresh "
        "parameter), step 1, lr 1e-3, beta1 0.9, beta2 0.999, eps 1e-8";
  } else if (op == "amax") {
    rows(4, kRow);
    p.scaled_desc = "x (4 rows of 64 in [-1, 1]) scaled";
  } else if (op == "gelu" || op == "gelu_tanh" || op == "silu" || op == "gelu_backward" ||
             op == "gelu_tanh_backward" || op == "silu_backward") {
    rows(2, kRow);
    const bool backward = op.ends_with("_backward");
    if (backward) {
      p.values[2] = draw(static_cast<size_t>(s.m * s.n), r, uniform_pm1);
      p.shapes[2] = {s.m, s.n};
    }
    p.scaled_desc = std::string("x (2 rows of 64 in [-1, 1]) scaled; no bias") +
                    (backward ? "; dy fixed in [-1, 1]" : "");
  } else if (const OpInfo* info = find_op(op)) {
    // An op this study does not know: its own uniform case, operand a scaled.
    const Problem q = info->make(k, r, "uniform");
    s = q;
    s.a = s.b = s.c = s.d = Tensor();
    const Tensor* t[4] = {&q.a, &q.b, &q.c, &q.d};
    for (int i = 0; i < 4; ++i) {
      p.values[i] = t[i]->values();
      p.shapes[i] = t[i]->shape;
    }
    p.scaled[0] = true;
    p.scaled_desc = "operand a of the op's uniform case scaled; the others as drawn";
  } else {
    throw std::runtime_error("range study: no input pattern for op " + op);
  }
  p.op = op;
  normalize(p, max_positive);
  return p;
}

Problem range_problem(const KernelDesc& k, const RangePattern& pat, double s) {
  Problem p = pat.shape;
  const Format in = k.recipe.in;
  const double mx = desc(in).max_finite();
  Tensor* t[4] = {&p.a, &p.b, &p.c, &p.d};
  for (int i = 0; i < 4; ++i) {
    if (pat.values[i].empty()) continue;
    *t[i] = Tensor(in, pat.shapes[i]);
    const double f = pat.scaled[i] ? s : 1.0;
    for (size_t j = 0; j < pat.values[i].size(); ++j)
      t[i]->bits[j] = to_bits(in, std::clamp(pat.values[i][j] * f, -mx, mx));
  }
  return p;
}

}  // namespace numguard::studies
