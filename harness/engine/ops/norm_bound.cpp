#include "harness/engine/ops/norm_bound.h"

#include <algorithm>
#include <cmath>

#include "harness/core/reduce_order.h"

namespace numguard::ops {
namespace {

using E = RunningError;

// Welford's state with its count (exact: integers far below 2^24 in fp32).
struct Welford {
  double c = 0;
  Val mean, m2;
};

bool is_exact_zero(const Val& a) {
  return a.v == 0 && a.err == 0 && !a.overflow;
}

// a + b, where adding an exact 0 (a sum's initial value, an empty lane) rounds nothing: b is
// a value of acc (an input or a computed intermediate), so fl(0 + b) = b.
Val add0(const RunningError& ar, const Val& a, const Val& b) {
  if (is_exact_zero(a)) return b;
  if (is_exact_zero(b)) return a;
  return ar.add(a, b);
}

// a / n for the row length n: exact for n = 1 (a row of one element: mean = x, d = 0).
Val div_n(const RunningError& ar, const Val& a, int64_t n) {
  return n == 1 ? a : ar.div(a, E::exact(static_cast<double>(n)));
}

Val sum_of(const Recipe& rc, const RunningError& ar, int64_t n, const auto& leaf) {
  auto add = [&](const Val& a, const Val& b) { return add0(ar, a, b); };
  return reduce_in_order(rc.shape, n, E::exact(0), leaf, add, add);
}

// The kernel's 1.0f / sqrtf(t) for t = var + eps whose computed value is known to be >= eps
// (var is computed >= 0: docs/error-models.md, "Norms", and fl(var + eps) >= fl(0 + eps) = eps by
// monotonicity). The computed t lies in [lo, hi] = [max(v - err, eps), v + err], sqrtf and
// the division each round once, so the computed r lies in
// [(1 - u) / ((1 + u) sqrt(hi)), (1 + u) / ((1 - u) sqrt(lo))], around the exact 1/sqrt(v).
// Without the floor a variance whose error exceeds it (a constant row, eps = 1e-12) would
// leave r unbounded.
Val rsqrt_floored(const RunningError& ar, const Val& t, double eps) {
  const double u = ar.u(), z = 1 / std::sqrt(t.v);
  const double lo = std::max(t.v - t.err, eps), hi = t.v + t.err;
  const double rmax = (1 + u) / ((1 - u) * std::sqrt(lo));
  const double rmin = (1 - u) / ((1 + u) * std::sqrt(hi));
  const double err = std::max(rmax - z, z - rmin) + RunningError::kDrift * z;
  const double rel = u * z;
  return {z, err, z * z * t.var / (4 * t.v * t.v) + 2 * rel * rel,
          t.overflow || !std::isfinite(z) || !std::isfinite(err)};
}

}  // namespace

NormRow norm_row_stats(const Recipe& rc, const std::vector<double>& x, double eps, bool rms) {
  const RunningError ar(rc.acc, rc.math_ulps);
  const auto n = static_cast<int64_t>(x.size());
  auto xv = [&](int64_t i) { return E::exact(x[static_cast<size_t>(i)]); };
  NormRow row;
  Val var;
  if (rms) {
    // ss = sum x_j x_j; ms = ss / n.
    for (double v : x) row.d.push_back(E::exact(v));
    // An infinite x (and no NaN): ss = inf, r = 1 / sqrtf(inf) = 0 exactly, as is the exact
    // rstd, so every finite x_j gives y_j = 0 with no error.
    bool inf = false, nan = false;
    for (double v : x) {
      inf = inf || std::isinf(v);
      nan = nan || std::isnan(v);
    }
    if (inf && !nan) {
      row.r = E::exact(0);
      return row;
    }
    var = div_n(ar, sum_of(rc, ar, n, [&](int64_t i) { return ar.mul(xv(i), xv(i)); }), n);
  } else if (rc.method == Method::welford) {
    // Each step: c += 1; delta = x - mean; mean += delta / c; M2 += delta (x - mean). v of
    // every Val follows the exact recurrence, so M2.v is the exact sum of squared deviations.
    Welford init;
    init.mean = E::exact(0);
    init.m2 = E::exact(0);
    auto step = [&](Welford s, int64_t i) {
      s.c += 1;
      if (s.c == 1 && std::isfinite(x[static_cast<size_t>(i)])) {
        // From the empty state every operation is exact: delta = x, mean = x / 1, M2 = 0.
        s.mean = xv(i);
        return s;
      }
      const Val delta = ar.sub(xv(i), s.mean);
      s.mean = ar.add(s.mean, ar.div(delta, E::exact(s.c)));
      s.m2 = ar.add(s.m2, ar.mul(delta, ar.sub(xv(i), s.mean)));
      return s;
    };
    // Chan et al.: mean = a.mean + delta (b.c / c); M2 = (a.M2 + b.M2) + delta^2 (a.c b.c / c).
    auto combine = [&](const Welford& a, const Welford& b) {
      if (a.c == 0) return b;
      if (b.c == 0) return a;
      Welford t;
      t.c = a.c + b.c;
      const Val delta = ar.sub(b.mean, a.mean);
      t.mean = ar.add(a.mean, ar.mul(delta, ar.div(E::exact(b.c), E::exact(t.c))));
      t.m2 = ar.add(ar.add(a.m2, b.m2),
                    ar.mul(ar.mul(delta, delta), ar.div(E::exact(a.c * b.c), E::exact(t.c))));
      return t;
    };
    const Welford w = reduce_in_order(
        rc.shape, n, init, [](int64_t i) { return i; }, step, combine);
    for (double v : x) row.d.push_back(ar.sub(E::exact(v), w.mean));
    var = div_n(ar, w.m2, n);
  } else {
    // two_pass: mean = (sum x) / n; d_j = x_j - mean; var = (sum d_j d_j) / n. The error of
    // the mean enters every d_j: on a row with a large offset and a small spread it is of the
    // order of the spread, and the bound follows (err(d) / |d| grows as |mean| / spread).
    const Val mean = div_n(ar, sum_of(rc, ar, n, xv), n);
    for (double v : x) row.d.push_back(ar.sub(E::exact(v), mean));
    var = div_n(ar,
                sum_of(rc, ar, n,
                       [&](int64_t i) {
                         const Val& d = row.d[static_cast<size_t>(i)];
                         return ar.mul(d, d);
                       }),
                n);
  }
  row.r = rsqrt_floored(ar, add0(ar, var, E::exact(eps)), eps);
  return row;
}

std::vector<Val> norm_forward_bound(const Recipe& rc, const std::vector<double>& x,
                                    const std::vector<double>& gamma,
                                    const std::vector<double>& beta, double eps, bool rms) {
  const RunningError ar(rc.acc, rc.math_ulps);
  const NormRow row = norm_row_stats(rc, x, eps, rms);
  std::vector<Val> y(x.size());
  for (size_t j = 0; j < x.size(); ++j) {
    const Val t = ar.mul(ar.mul(row.d[j], row.r), E::exact(gamma[j]));
    y[j] = rms ? t : ar.add(t, E::exact(beta[j]));
  }
  return y;
}

NormBackwardRow norm_backward_row_bound(const Recipe& rc, const std::vector<double>& x,
                                        const std::vector<double>& gamma,
                                        const std::vector<double>& dy, double eps, bool rms) {
  const RunningError ar(rc.acc, rc.math_ulps);
  const auto n = static_cast<int64_t>(x.size());
  const NormRow row = norm_row_stats(rc, x, eps, rms);
  NormBackwardRow out;
  std::vector<Val> g(x.size());
  for (size_t j = 0; j < x.size(); ++j) {
    out.xhat.push_back(ar.mul(row.d[j], row.r));
    g[j] = ar.mul(E::exact(gamma[j]), E::exact(dy[j]));
  }
  const Val ma =
      div_n(ar, sum_of(rc, ar, n, [&](int64_t i) { return g[static_cast<size_t>(i)]; }), n);
  const Val mb = div_n(ar,
                       sum_of(rc, ar, n,
                              [&](int64_t i) {
                                const auto j = static_cast<size_t>(i);
                                return ar.mul(g[j], out.xhat[j]);
                              }),
                       n);
  for (size_t j = 0; j < x.size(); ++j) {
    const Val c = rms ? g[j] : ar.sub(g[j], ma);
    out.dx.push_back(ar.mul(row.r, ar.sub(c, ar.mul(out.xhat[j], mb))));
  }
  return out;
}

}  // namespace numguard::ops
