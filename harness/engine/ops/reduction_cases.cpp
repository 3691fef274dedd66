#include "harness/engine/ops/reduction_cases.h"

#include "harness/engine/case_shapes.h"
#include "harness/engine/generators.h"
#include "harness/engine/ops/op_cases.h"
#include "harness/engine/ops/transformer_values.h"

#include <cmath>
#include <limits>

#include "references/exact_accumulator.h"

namespace numguard::ops {
namespace {

using ValueFn = std::function<double(Rng&)>;

struct Shape {
  int64_t m = 1, n = 1, k = 0;
};

// Reduction lengths: log-uniform so that short and long reductions are equally common.
Shape random_shape(const ReductionForm& f, Rng& r) {
  Shape s;
  if (f.gemm) {
    s.m = r.integer(1, 6);
    s.n = r.integer(1, 6);
    s.k = r.log_uniform(1, 384);
  } else {
    s.k = r.log_uniform(1, 2048);
  }
  // A requested shape (case_shapes.h) replaces the drawn one, dimension by dimension.
  return {dim_or(Dim::m, s.m), dim_or(Dim::n, s.n), dim_or(Dim::k, s.k)};
}

double clamp_to_format(Format f, double v) {
  const double mx = desc(f).max_finite();
  return std::clamp(v, -mx, mx);
}

Problem fill(const ReductionForm& f, const KernelDesc& kd, const Shape& s, Rng& r,
             const ValueFn& value, bool allow_epilogue = true) {
  const Format in = kd.recipe.in;
  Problem p;
  p.m = s.m;
  p.n = s.n;
  p.k = s.k;
  p.a = Tensor(in, {s.m, s.k});
  for (auto& b : p.a.bits) b = to_bits(in, clamp_to_format(in, value(r)));
  if (f.has_b) {
    p.b = Tensor(in, {s.k, s.n});
    for (auto& b : p.b.bits) b = to_bits(in, clamp_to_format(in, value(r)));
  }
  // A quarter of GEMM cases exercise the epilogue alpha * AB + beta * C.
  if (f.gemm && allow_epilogue && r.coin(0.25)) {
    p.alpha = round_value(Format::fp32, r.uniform(0.5, 2.0));
    p.beta = r.coin() ? 1.0 : -0.5;
    const Format out = kd.recipe.out;
    p.c = Tensor(out, {s.m, s.n});
    for (auto& b : p.c.bits) b = to_bits(out, r.uniform(-1, 1));
  }
  return p;
}

Problem uniform(const ReductionForm& f, const KernelDesc& kd, Rng& r) {
  return fill(f, kd, random_shape(f, r), r, [](Rng& g) { return g.uniform(-1, 1); });
}
Problem normal(const ReductionForm& f, const KernelDesc& kd, Rng& r) {
  return fill(f, kd, random_shape(f, r), r, [](Rng& g) { return g.normal(); });
}
Problem positive(const ReductionForm& f, const KernelDesc& kd, Rng& r) {
  return fill(f, kd, random_shape(f, r), r, [](Rng& g) { return g.uniform(0, 1); });
}

// Sign, exponent and significand uniform over the input format's whole range, subnormals
// included: products then span far more than any accumulator, so many cases are domain
// limits; the rest probe the bound at extreme exponents.
Problem log_uniform(const ReductionForm& f, const KernelDesc& kd, Rng& r) {
  const FormatDesc& d = desc(kd.recipe.in);
  return fill(f, kd, random_shape(f, r), r, [&d](Rng& g) {
    const int e = static_cast<int>(g.integer(d.emin() - d.precision + 1, d.emax()));
    const double v = std::ldexp(g.uniform(1, 2), e);
    return g.coin() ? -v : v;
  });
}

// Positive values scaled so that the exact result lands near the overflow threshold of the
// narrower of the accumulator and the output: the last binades before inf.
Problem near_overflow(const ReductionForm& f, const KernelDesc& kd, Rng& r) {
  const Shape s = random_shape(f, r);
  const Recipe& rc = kd.recipe;
  const double top = std::min(desc(rc.acc).max_finite(), desc(rc.out).max_finite());
  const double kk = static_cast<double>(std::max<int64_t>(s.k, 1));
  const double target = top * r.uniform(0.25, 2.0);
  // Mean of uniform(0.5, 1) is 0.75: sum ~ k * 0.75 * scale (sum) or k * 0.5625 * scale^2.
  double scale = f.quadratic ? std::sqrt(target / (0.5625 * kk)) : target / (0.75 * kk);
  scale = std::min(scale, desc(rc.in).max_finite());
  return fill(
      f, kd, s, r, [scale](Rng& g) { return scale * g.uniform(0.5, 1); }, false);
}

// Mostly subnormal inputs with a few small normals.
Problem subnormal_heavy(const ReductionForm& f, const KernelDesc& kd, Rng& r) {
  const FormatDesc& d = desc(kd.recipe.in);
  const double tiny = d.min_subnormal();
  const int64_t steps = (int64_t{1} << (d.precision - 1)) - 1;
  return fill(f, kd, random_shape(f, r), r, [&](Rng& g) {
    const double v = g.coin(0.7) ? static_cast<double>(g.integer(1, steps)) * tiny
                                 : d.min_normal() * g.uniform(1, 4);
    return g.coin() ? -v : v;
  });
}

// Small integers (CUTLASS's trick): every partial sum in any order is an integer below
// 2^P, where P is the fewest significand bits any stage of the recipe keeps, so the
// accumulation is exact and the result equals the reference rounded into the output.
int exact_bits(const Recipe& rc) {
  int p = desc(rc.acc).precision;
  if (rc.product) p = std::min(p, desc(*rc.product).precision);
  if (rc.shape.order == Order::split_k) p = std::min(p, desc(rc.shape.partial).precision);
  if (rc.shape.order == Order::fused_block) p = std::min(p, rc.shape.frac_bits);
  return std::min(p, 53);
}

Problem small_integers(const ReductionForm& f, const KernelDesc& kd, Rng& r) {
  const Shape s = random_shape(f, r);
  const double budget = std::ldexp(1.0, exact_bits(kd.recipe));
  const double kk = static_cast<double>(std::max<int64_t>(s.k, 1));
  double bound = f.quadratic ? std::sqrt(budget / kk) : budget / kk;
  bound = std::min(std::floor(bound), std::ldexp(1.0, desc(kd.recipe.in).precision));
  const auto m = static_cast<int64_t>(std::max(1.0, bound));
  return fill(
      f, kd, s, r, [m](Rng& g) { return static_cast<double>(g.integer(-m, m)); }, false);
}

// GenDot builds one ill-conditioned pair (x, y); at a requested M x N (case_shapes.h) every row
// of A is x and every column of B is y, so every output element is that dot product.
Problem at_requested_rows(const ReductionForm& f, Problem p) {
  const int64_t m = dim_or(Dim::m, p.m), n = f.gemm ? dim_or(Dim::n, p.n) : p.n;
  if (m == p.m && n == p.n) return p;
  const int64_t k = p.k;
  Problem q = p;
  q.m = m;
  q.n = n;
  q.a = Tensor(p.a.format, {m, k});
  for (int64_t i = 0; i < m; ++i)
    std::copy(p.a.bits.begin(), p.a.bits.end(), q.a.bits.begin() + i * k);
  if (f.has_b) {
    q.b = Tensor(p.b.format, {k, n});
    for (int64_t l = 0; l < k; ++l)
      for (int64_t j = 0; j < n; ++j)
        q.b.bits[static_cast<size_t>(l * n + j)] = p.b.bits[static_cast<size_t>(l)];
  }
  return q;
}

// Ill-conditioned dot products after Ogita, Rump and Oishi (2005), "GenDot" (docs/REFERENCE.md),
// with the running partial dot product kept exactly; sums use the same scheme with y = 1.
Problem gendot_attempt(Format in, bool has_b, Rng& r, int64_t n, double b) {
  const bool sum = !has_b;
  const int64_t n2 = n / 2;
  std::vector<uint64_t> x(n), y(n, to_bits(in, 1.0));
  ExactAccumulator acc(in);
  auto draw = [&](int e) { return to_bits(in, (2 * r.uniform(0, 1) - 1) * std::ldexp(1.0, e)); };
  for (int64_t i = 0; i < n2; ++i) {
    const int e = i == 0        ? static_cast<int>(std::lround(b / 2)) + 1
                  : i == n2 - 1 ? 0
                                : static_cast<int>(std::lround(r.uniform(0, 1) * b / 2));
    x[i] = draw(e);
    if (!sum) y[i] = draw(e);
  }
  acc.add_dot(std::span(x).first(n2), std::span(y).first(n2));
  for (int64_t i = n2; i < n; ++i) {
    const double t = n - n2 > 1 ? static_cast<double>(i - n2) / static_cast<double>(n - n2 - 1) : 0;
    const int e = static_cast<int>(std::lround(b / 2 * (1 - t)));
    const double partial = decode(Format::fp64, round_to(Format::fp64, acc.exact()).bits);
    if (sum) {
      x[i] = to_bits(in, (2 * r.uniform(0, 1) - 1) * std::ldexp(1.0, e) - partial);
    } else {
      x[i] = draw(e);
      const double xi = decode(in, x[i]);
      y[i] = xi == 0 ? to_bits(in, 0.0)
                     : to_bits(in, ((2 * r.uniform(0, 1) - 1) * std::ldexp(1.0, e) - partial) / xi);
    }
    acc.add_dot(std::span(x).subspan(i, 1), std::span(y).subspan(i, 1));
  }
  // Permute x and y together.
  for (int64_t i = n - 1; i > 0; --i) {
    const int64_t j = r.integer(0, i);
    std::swap(x[i], x[j]);
    std::swap(y[i], y[j]);
  }
  Problem p;
  p.k = n;
  p.a = Tensor(in, {1, n});
  p.a.bits = x;
  if (!sum) {
    p.b = Tensor(in, {n, 1});
    p.b.bits = y;
  }
  return p;
}

// cond = 2 sum |x_i y_i| / |sum x_i y_i| (docs/REFERENCE.md), with the sum exact.
double condition(const Problem& p) {
  const bool sum = p.b.empty();
  ExactAccumulator acc(p.a.format);
  if (sum)
    acc.add_sum(p.a.bits);
  else
    acc.add_dot(p.a.bits, p.b.bits);
  const double s = std::fabs(decode(Format::fp64, round_to(Format::fp64, acc.exact()).bits));
  double abs = 0;
  for (size_t i = 0; i < p.a.size(); ++i)
    abs += std::fabs(p.a.value(i) * (sum ? 1.0 : p.b.value(i)));
  return s == 0 ? std::numeric_limits<double>::infinity() : 2 * abs / s;
}

// The achieved condition misses the target by 1-100x after rounding to the input format
// (docs/REFERENCE.md): retry a few times and keep the attempt closest to the target, preferring
// one within [c/3, 3c].
Problem ill_conditioned(const ReductionForm& f, const KernelDesc& kd, Rng& r) {
  const FormatDesc& d = desc(kd.recipe.in);
  const int64_t n = dim_or(Dim::k, r.log_uniform(6, 512));
  // log2 of the target condition: 10^2 .. 10^8, limited so 2^(b/2+1) stays finite in fp8.
  double b = std::log2(std::pow(10.0, static_cast<double>(r.integer(1, 4)) * 2));
  b = std::min(b, 2.0 * (d.emax() - 2));
  const double target = std::exp2(b);
  Problem best;
  double best_miss = std::numeric_limits<double>::infinity();
  for (int attempt = 0; attempt < 4; ++attempt) {
    Problem p = gendot_attempt(kd.recipe.in, f.has_b, r, n, b);
    const double miss = std::fabs(std::log(condition(p) / target));
    if (attempt == 0 || miss < best_miss) {
      best = std::move(p);
      best_miss = miss;
    }
    if (best_miss <= std::log(3.0)) break;
  }
  return at_requested_rows(f, best);
}

// Uniform inputs with a few special values (+-0, +-inf, NaN) planted.
Problem special(const ReductionForm& f, const KernelDesc& kd, Rng& r) {
  Problem p = uniform(f, kd, r);
  const Format in = kd.recipe.in;
  const FormatDesc& d = desc(in);
  const uint64_t specials[] = {0, d.sign_mask(), d.has_inf() ? d.inf_bits(false) : d.nan_bits(),
                               d.has_inf() ? d.inf_bits(true) : d.nan_bits(), d.nan_bits()};
  const int64_t plants = r.integer(1, 3);
  for (int64_t i = 0; i < plants; ++i) {
    Tensor& t = p.b.empty() || r.coin() ? p.a : p.b;
    if (t.empty()) continue;
    t.bits[static_cast<size_t>(r.integer(0, static_cast<int64_t>(t.size()) - 1))] =
        specials[r.integer(0, 4)];
  }
  return p;
}

// K at tile boundaries: 0, 1, multiples of the recipe's block +- 1, and primes; for a GEMM, in
// half the cases M and N around the 16 x 8 tile of mma.sync and twice it too, so that a kernel's
// residue tiles in M and N, and the rows and columns each lane of a tile owns (rows g and g + 8),
// are reached (random_shape's M and N stay below 8).
Problem tile_edges(const ReductionForm& f, const KernelDesc& kd, Rng& r) {
  const Accumulation& a = kd.recipe.shape;
  int64_t t = a.block > 0 ? a.block : 32;
  if (a.order == Order::split_k) t = std::max(a.splits, 2);
  const int64_t mult = r.integer(1, 4);
  const int64_t choices[] = {0, 1,  2,  t - 1, t,  t + 1, t * mult - 1, t * mult + 1,
                             7, 31, 61, 127,   251};
  Shape s = random_shape(f, r);
  s.k = dim_or(Dim::k, std::max<int64_t>(0, choices[r.integer(0, std::size(choices) - 1)]));
  if (f.gemm && r.coin()) {
    constexpr int64_t rows[] = {7, 8, 9, 15, 16, 17, 31, 33}, cols[] = {7, 8, 9, 15, 16, 17};
    s.m = dim_or(Dim::m, rows[r.integer(0, std::size(rows) - 1)]);
    s.n = dim_or(Dim::n, cols[r.integer(0, std::size(cols) - 1)]);
  }
  return fill(f, kd, s, r, [](Rng& g) { return g.uniform(-1, 1); });
}

// A NaN, +inf or -inf (the format's NaN where it has no inf) at 1..3 random places of t.
void plant_nonfinite(Tensor& t, Rng& r) {
  if (t.empty()) return;
  const FormatDesc& d = desc(t.format);
  const uint64_t bad[] = {d.nan_bits(), d.has_inf() ? d.inf_bits(false) : d.nan_bits(),
                          d.has_inf() ? d.inf_bits(true) : d.nan_bits()};
  for (int64_t i = 0, n = r.integer(1, 3); i < n; ++i)
    t.bits[static_cast<size_t>(r.integer(0, static_cast<int64_t>(t.size()) - 1))] =
        bad[r.integer(0, 2)];
}

// API corner semantics, judged by BLAS's rules (the kernel's declared alpha_beta): alpha = 0
// with NaN or inf in A or B (not read), beta = 0 with NaN or inf in a C that is given (not
// read), beta = 1 and alpha = 1 exactly, K = 0 (the result is beta C), an empty M or N. dot,
// sum and sumsq: K = 0, or a single NaN or inf.
Problem api_corners(const ReductionForm& f, const KernelDesc& kd, Rng& r) {
  Shape s = random_shape(f, r);
  const auto uniform_value = [](Rng& g) { return g.uniform(-1, 1); };
  if (!f.gemm) {
    if (r.coin()) s.k = dim_or(Dim::k, 0);
    Problem p = fill(f, kd, s, r, uniform_value, false);
    if (p.k > 0) plant_nonfinite(r.coin() || p.b.empty() ? p.a : p.b, r);
    return p;
  }
  const int64_t corner = r.integer(0, 4);
  if (corner == 3) s.k = dim_or(Dim::k, 0);
  if (corner == 4) {  // an empty output
    if (r.coin())
      s.m = dim_or(Dim::m, 0);
    else
      s.n = dim_or(Dim::n, 0);
  }
  Problem p = fill(f, kd, s, r, uniform_value, false);
  const Format out = kd.recipe.out;
  p.c = Tensor(out, {p.m, p.n});
  for (auto& b : p.c.bits) b = to_bits(out, r.uniform(-1, 1));
  const double scalars[] = {0.5, 2.0, -1.0};
  switch (corner) {
    case 0:  // alpha = 0: A and B not read, whatever they hold
      p.alpha = 0;
      p.beta = r.coin() ? 1.0 : scalars[r.integer(0, 2)];
      plant_nonfinite(r.coin() ? p.a : p.b, r);
      break;
    case 1:  // beta = 0: C given but not read
      p.alpha = r.coin() ? 1.0 : scalars[r.integer(0, 2)];
      p.beta = 0;
      plant_nonfinite(p.c, r);
      break;
    case 2:  // alpha = 1, beta = 1 exactly: y = ab + c, no scaling rounding
      p.alpha = 1;
      p.beta = 1;
      break;
    default:  // K = 0 (y = beta c) or an empty output, with any scalars
      p.alpha = r.coin() ? 0.0 : scalars[r.integer(0, 2)];
      p.beta = r.coin() ? 0.0 : scalars[r.integer(0, 2)];
  }
  if (p.beta == 0 && corner != 1 && r.coin()) p.c = Tensor();  // C absent, as BLAS allows
  return p;
}

// Values of a transformer layer (transformer_values.h): a projection (activations times
// weights) or attention's P V (probabilities times activations), with the residual added in a
// quarter of GEMM cases (alpha = beta = 1, C activations); dot: activations and weights; sum:
// a probability row or activations; sumsq: activations (an RMS norm's sum of squares).
Problem transformer(const ReductionForm& f, const KernelDesc& kd, Rng& r) {
  const Shape s = random_shape(f, r);
  const Format in = kd.recipe.in;
  using Role = TransformerRole;
  const bool attention = !f.quadratic && r.coin(f.has_b ? 1.0 / 3 : 0.5);
  Problem p;
  p.m = s.m;
  p.n = s.n;
  p.k = s.k;
  p.a = fill_tensor(
      in, {s.m, s.k}, r,
      transformer_values(attention ? Role::probabilities : Role::activations, s.k, s.k, r));
  if (f.has_b)
    p.b =
        fill_tensor(in, {s.k, s.n}, r,
                    transformer_values(attention ? Role::activations : Role::weights, s.n, s.k, r));
  if (f.gemm && r.coin(0.25)) {
    p.alpha = p.beta = 1;
    p.c = fill_tensor(kd.recipe.out, {s.m, s.n}, r,
                      transformer_values(Role::activations, s.n, s.n, r));
  }
  return p;
}

using Make = Problem (*)(const ReductionForm&, const KernelDesc&, Rng&);
struct Named {
  std::string_view name;
  Make make;
};
constexpr Named kMakers[] = {
    {"uniform", uniform},
    {"normal", normal},
    {"positive", positive},
    {"log_uniform", log_uniform},
    {"near_overflow", near_overflow},
    {"subnormal_heavy", subnormal_heavy},
    {"small_integers", small_integers},
    {"ill_conditioned", ill_conditioned},
    {"special", special},
    {"tile_edges", tile_edges},
    {"api_corners", api_corners},
    {"transformer", transformer},
};

}  // namespace

Problem reduction_case(const ReductionForm& f, const KernelDesc& kd, Rng& r,
                       std::string_view generator) {
  for (const Named& m : kMakers)
    if (m.name == generator) return m.make(f, kd, r);
  throw std::invalid_argument("no reduction generator " + std::string(generator));
}

Problem gendot_problem(Format in, bool has_b, Rng& r, int64_t n, double cond, double* achieved) {
  const FormatDesc& d = desc(in);
  // As ill_conditioned: 2^(b/2+1) must stay finite in the input format.
  const double b_max = 2.0 * (d.emax() - 2);
  const double target = cond, window = std::log(3.0);
  double b = std::min(std::log2(cond), b_max);
  Problem best;
  double best_miss = std::numeric_limits<double>::infinity(), best_cond = 0;
  int nonfinite = 0;
  for (int attempt = 0; attempt < 8; ++attempt) {
    Problem p = gendot_attempt(in, has_b, r, n, b);
    const double c = condition(p);
    const double log_miss = std::fabs(std::log(c / target));
    const double miss = std::isnan(log_miss) ? std::numeric_limits<double>::infinity() : log_miss;
    if (attempt == 0 || miss < best_miss) {
      best = std::move(p);
      best_miss = miss;
      best_cond = c;
    }
    if (best_miss <= window) break;
    // An entry overflowed the input format (the cancelling terms of a long, ill-conditioned
    // construction outgrow a narrow format): twice in a row, and the target is out of reach.
    if (!std::isfinite(c)) {
      if (++nonfinite == 2) break;
      continue;
    }
    nonfinite = 0;
    // cond ~ 2^b for a spread b well above log2(n): step b by the measured miss, kept in
    // [0, b_max] (below 0 the construction no longer lowers the condition).
    if (std::isfinite(c) && c > 0) {
      const double next = std::clamp(b + std::log2(target / c), 0.0, b_max);
      if (next == b && (b == 0 || b == b_max)) break;  // the target is out of reach
      b = next;
    }
  }
  best.m = 1;
  best.n = 1;
  if (achieved) *achieved = best_cond;
  return best;
}

}  // namespace numguard::ops
