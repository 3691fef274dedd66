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

}  // namespace

AttentionRowBound attention_row_bound(const Recipe& rc, std::span<const double> q,
                                      std::span<const double> kk, std::span<const double> v,
                                      int64_t n, int64_t k, int64_t visible, double scale) {
  const RunningError ar(rc.acc, rc.math_ulps);
  const int64_t L = std::clamp<int64_t>(visible, 0, n);
  AttentionRowBound out;
  out.y.assign(static_cast<size_t>(k), RunningError::exact(0));
  out.weight_sure.assign(static_cast<size_t>(L), true);
  // Scores: s_j = (sum_d q_d k_jd) * scale, sequential from 0.
  std::vector<Val> s(static_cast<size_t>(L));
  double mx = kNegInf, e_all = 0;
  bool overflow = false;
  for (int64_t j = 0; j < L; ++j) {
    Val dot = RunningError::exact(0);
    // A finite product or partial sum that may overflow fp32: the kernel's score may then be
    // NaN (inf - inf) even where the exact score is -inf (weight 0).
    bool finite_overflow = false;
    for (int64_t d = 0; d < k; ++d) {
      const Val pr = product(ar, q[d], kk[j * k + d]);
      dot = add0(ar, dot, pr);
      finite_overflow = finite_overflow || (std::isfinite(pr.v) && pr.overflow) ||
                        (std::isfinite(dot.v) && dot.overflow);
    }
    const double sv = dot.v * scale;
    s[j] = dot.err == 0 && std::isfinite(sv) && round_value(Format::fp32, sv) == sv
               ? RunningError::exact(sv)
               : ar.mul(dot, RunningError::exact(scale));
    if (std::isnan(s[j].v) || s[j].v == RunningError::kInf) return out;  // reference NaN
    finite_overflow = finite_overflow || (std::isfinite(s[j].v) && s[j].overflow);
    out.score_overflow = out.score_overflow || finite_overflow;
    if (s[j].v == kNegInf) {  // weight exactly 0, unless the kernel's score may be NaN
      overflow = overflow || finite_overflow;
      continue;
    }
    mx = std::max(mx, s[j].v);
    e_all = std::max(e_all, s[j].err);
    overflow = overflow || s[j].overflow;
  }
  if (mx == kNegInf) {  // no finite score: zeros
    for (Val& y : out.y) y.overflow = overflow;
    return out;
  }
  auto v_at = [&](int64_t j, int64_t d) { return RunningError::exact(v[j * k + d]); };
  // The kernel subtracts its computed max, within max_j err_j of the exact max (max is
  // 1-Lipschitz); softmax does not depend on the shift, so the exact intermediates are taken
  // with the exact max.
  auto weight = [&](int64_t j, const Val& m) {
    if (s[j].v == kNegInf) return RunningError::exact(0);
    return exp_of(ar, ar.sub(s[j], m));
  };
  if (rc.method != Method::tiled) {
    const Val m{mx, e_all, 0, overflow};
    std::vector<Val> p(static_cast<size_t>(L));
    Val l = RunningError::exact(0);
    for (int64_t j = 0; j < L; ++j) {
      p[j] = weight(j, m);
      l = add0(ar, l, p[j]);
    }
    for (int64_t j = 0; j < L; ++j) {
      const bool zero = is_zero(p[j]);
      p[j] = zero ? p[j] : ar.div(p[j], l);
      out.weight_sure[j] = zero || p[j].v - p[j].err > 0;
    }
    for (int64_t d = 0; d < k; ++d) {
      Val acc = RunningError::exact(0);
      for (int64_t j = 0; j < L; ++j) acc = add0(ar, acc, ar.mul(p[j], v_at(j, d)));
      out.y[d] = acc;
    }
    return out;
  }
  // Tiled: running (m, l, acc) over key tiles.
  const int64_t b = std::max(rc.shape.block, 1);
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
      const Val e = weight(j, mnv);
      out.weight_sure[j] = is_zero(e) || e.v - e.err > 0;
      ls = add0(ar, ls, e);
      for (int64_t d = 0; d < k; ++d) pv[d] = add0(ar, pv[d], ar.mul(e, v_at(j, d)));
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
  return out;
}

}  // namespace numguard::ops
