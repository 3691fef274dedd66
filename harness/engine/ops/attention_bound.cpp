#include "harness/engine/ops/attention_bound.h"

#include <algorithm>
#include <cmath>

#include "harness/core/rounding.h"

namespace numguard::ops {
namespace {

constexpr double kNegInf = -RunningError::kInf;

bool is_zero(const Val& a) {
  return a.v == 0 && a.err == 0;
}
// The kernels' sums start from 0: the first addition 0 + x is exact.
Val add0(const RunningError& ar, const Val& acc, const Val& x) {
  return is_zero(acc) ? x : ar.add(acc, x);
}
// fp32 product of two exact values: exact when the double product (exact for operands of
// fp32 or narrower) is a value of fp32, e.g. every fp16 x fp16 product.
Val product(const RunningError& ar, double a, double b) {
  const double p = a * b;
  if (std::isfinite(p) && round_value(Format::fp32, p) == p) return RunningError::exact(p);
  return ar.mul(RunningError::exact(a), RunningError::exact(b));
}
// x * corr, where corr may be exactly 1 (the max did not move): then no rounding.
Val times(const RunningError& ar, const Val& x, const Val& corr) {
  if (corr.v == 1 && corr.err == 0) return x;
  return ar.mul(x, corr);
}
// The kernel's exp of a difference: exp(0) = 1 exactly; below -104 fp32math::exp returns 0,
// an error of the exact value itself.
Val exp_of(const RunningError& ar, const Val& d) {
  if (is_zero(d)) return RunningError::exact(1);
  if (d.v + d.err < -104) {
    // The exact weight is positive even where double underflows to 0: never an exact zero.
    const double z = std::exp(d.v);
    return {z, std::max(z * (1 + 1e-10), 0x1p-1074), z * z, d.overflow};
  }
  return ar.exp(d);
}

// The visible keys' scores, with what the softmax steps need of them.
struct Scores {
  std::vector<Val> s;
  double mx = kNegInf;  // the largest finite score
  double e_all = 0;     // the largest error among the finite scores
  bool overflow = false;
  bool reference_nan = false;  // a score is NaN or +inf: the row's reference is NaN
};

// Key j's score s_j = (sum_d q_d k_jd) * scale, sequential from 0. *finite_overflow: a finite
// product or partial sum may overflow fp32, so the kernel's score may then be NaN (inf - inf)
// even where the exact score is -inf (weight 0).
Val score(const RunningError& ar, std::span<const double> q, std::span<const double> kk, int64_t j,
          int64_t k, double scale, bool* finite_overflow) {
  Val dot = RunningError::exact(0);
  for (int64_t d = 0; d < k; ++d) {
    const Val pr = product(ar, q[d], kk[j * k + d]);
    dot = add0(ar, dot, pr);
    *finite_overflow = *finite_overflow || (std::isfinite(pr.v) && pr.overflow) ||
                       (std::isfinite(dot.v) && dot.overflow);
  }
  const double sv = dot.v * scale;
  return dot.err == 0 && std::isfinite(sv) && round_value(Format::fp32, sv) == sv
             ? RunningError::exact(sv)
             : ar.mul(dot, RunningError::exact(scale));
}

// The scores of keys j < L; stops at the first NaN or +inf score (reference NaN).
// *score_overflow is set when a score's fp32 dot product or scaling may overflow.
Scores row_scores(const RunningError& ar, std::span<const double> q, std::span<const double> kk,
                  int64_t k, int64_t L, double scale, bool* score_overflow) {
  Scores sc;
  sc.s.resize(static_cast<size_t>(L));
  std::vector<Val>& s = sc.s;
  for (int64_t j = 0; j < L; ++j) {
    bool finite_overflow = false;
    s[j] = score(ar, q, kk, j, k, scale, &finite_overflow);
    if (std::isnan(s[j].v) || s[j].v == RunningError::kInf) {
      sc.reference_nan = true;
      return sc;
    }
    finite_overflow = finite_overflow || (std::isfinite(s[j].v) && s[j].overflow);
    *score_overflow = *score_overflow || finite_overflow;
    if (s[j].v == kNegInf) {  // weight exactly 0, unless the kernel's score may be NaN
      sc.overflow = sc.overflow || finite_overflow;
      continue;
    }
    sc.mx = std::max(sc.mx, s[j].v);
    sc.e_all = std::max(sc.e_all, s[j].err);
    sc.overflow = sc.overflow || s[j].overflow;
  }
  return sc;
}

// The kernel subtracts its computed max, within max_j err_j of the exact max (max is
// 1-Lipschitz); softmax does not depend on the shift, so the exact intermediates are taken
// with the exact max.
Val weight(const RunningError& ar, const Val& s, const Val& m) {
  if (s.v == kNegInf) return RunningError::exact(0);
  return exp_of(ar, ar.sub(s, m));
}

// Two-pass (the naive kernel): weights against the max of all scores, their sum, the
// normalized weights, then the weighted sum of V.
void two_pass_row(const RunningError& ar, const Scores& sc, std::span<const double> v, int64_t k,
                  int64_t L, AttentionRowBound& out) {
  const std::vector<Val>& s = sc.s;
  const Val m{sc.mx, sc.e_all, 0, sc.overflow};
  std::vector<Val> p(static_cast<size_t>(L));
  Val l = RunningError::exact(0);
  for (int64_t j = 0; j < L; ++j) {
    p[j] = weight(ar, s[j], m);
    l = add0(ar, l, p[j]);
  }
  for (int64_t j = 0; j < L; ++j) {
    const bool zero = is_zero(p[j]);
    p[j] = zero ? p[j] : ar.div(p[j], l);
    out.weight_sure[j] = zero || p[j].v - p[j].err > 0;
  }
  for (int64_t d = 0; d < k; ++d) {
    Val acc = RunningError::exact(0);
    for (int64_t j = 0; j < L; ++j)
      acc = add0(ar, acc, ar.mul(p[j], RunningError::exact(v[j * k + d])));
    out.y[d] = acc;
  }
}

// Tiled (flash-style): running (m, l, acc) over key tiles of b keys, rescaled as the max moves.
void tiled_row(const RunningError& ar, const Scores& sc, std::span<const double> v, int64_t k,
               int64_t L, int64_t b, AttentionRowBound& out) {
  const std::vector<Val>& s = sc.s;
  const bool overflow = sc.overflow;
  double m = kNegInf, e_prev = 0, e_run = 0;
  Val l = RunningError::exact(0);
  std::vector<Val> acc(static_cast<size_t>(k), RunningError::exact(0));
  std::vector<Val> pv(static_cast<size_t>(k));
  for (int64_t t0 = 0; t0 < L; t0 += b) {
    const int64_t t1 = std::min(t0 + b, L);
    double mt = kNegInf;
    for (int64_t j = t0; j < t1; ++j)
      if (s[j].v != kNegInf) {
        mt = std::max(mt, s[j].v);
        e_run = std::max(e_run, s[j].err);
      }
    const double mn = std::max(m, mt);
    if (mn == kNegInf) continue;
    const Val mnv{mn, e_run, 0, overflow};
    Val ls = RunningError::exact(0);
    std::fill(pv.begin(), pv.end(), RunningError::exact(0));
    for (int64_t j = t0; j < t1; ++j) {
      const Val e = weight(ar, s[j], mnv);
      out.weight_sure[j] = is_zero(e) || e.v - e.err > 0;
      ls = add0(ar, ls, e);
      for (int64_t d = 0; d < k; ++d)
        pv[d] = add0(ar, pv[d], ar.mul(e, RunningError::exact(v[j * k + d])));
    }
    if (m == kNegInf) {
      l = ls;
      acc = pv;
    } else {
      const Val corr = exp_of(ar, ar.sub(Val{m, e_prev, 0, overflow}, mnv));
      // A rescale that may round to 0 turns an inf already in acc into NaN (inf * 0).
      if (!(corr.v - corr.err > 0))
        for (int64_t j = 0; j < t0; ++j)
          out.weight_sure[j] = out.weight_sure[j] && s[j].v == kNegInf;
      l = ar.add(times(ar, l, corr), ls);
      for (int64_t d = 0; d < k; ++d) acc[d] = ar.add(times(ar, acc[d], corr), pv[d]);
    }
    m = mn;
    e_prev = e_run;
  }
  for (int64_t d = 0; d < k; ++d) out.y[d] = ar.div(acc[d], l);
}

}  // namespace

AttentionRowBound attention_row_bound(const Recipe& rc, std::span<const double> q,
                                      std::span<const double> kk, std::span<const double> v,
                                      int64_t n, int64_t k, int64_t visible, double scale) {
  const RunningError ar(rc.acc, rc.math_ulps);
  const int64_t L = std::clamp<int64_t>(visible, 0, n);
  AttentionRowBound out;
  out.y.assign(static_cast<size_t>(k), RunningError::exact(0));
  out.weight_sure.assign(static_cast<size_t>(L), true);
  const Scores sc = row_scores(ar, q, kk, k, L, scale, &out.score_overflow);
  if (sc.reference_nan) return out;
  if (sc.mx == kNegInf) {  // no finite score: zeros
    for (Val& y : out.y) y.overflow = sc.overflow;
    return out;
  }
  if (rc.method != Method::tiled)
    two_pass_row(ar, sc, v, k, L, out);
  else
    tiled_row(ar, sc, v, k, L, std::max(rc.shape.block, 1), out);
  return out;
}

}  // namespace numguard::ops
