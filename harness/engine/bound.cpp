#include "harness/engine/bound.h"

#include <cmath>

namespace numguard {
namespace {

// Relative error of one rounding into f: u for nearest modes, 2u (one ulp) for directed ones.
double unit(Format f, Rounding m) {
  const double u = desc(f).unit_roundoff();
  return m == Rounding::rne || m == Rounding::rna ? u : 2 * u;
}
// Absolute error of one rounding into f's subnormal range: half a subnormal step, or a full
// step for directed modes (Higham 2002, sec. 2.1, the model fl(x) = x(1+d) + e).
double eta(Format f, Rounding m) {
  const double s = desc(f).min_subnormal();
  return m == Rounding::rne || m == Rounding::rna ? s / 2 : s;
}

int64_t ceil_div(int64_t a, int64_t b) {
  return (a + b - 1) / b;
}
// Levels of a base-ary tree over n leaves; span never overflows (it stops at n).
int64_t ceil_log(int64_t n, int64_t base) {
  int64_t levels = 0;
  for (int64_t span = 1; span<n; span = span> n / base ? n : span * base) ++levels;
  return levels;
}

// a * b, with 0 * inf = 0: a vacuous factor on a zero sum adds nothing.
double times(double a, double b) {
  return a == 0 || b == 0 ? 0 : a * b;
}

}  // namespace

int64_t accumulation_depth(const Accumulation& a, int64_t n) {
  if (n <= 0) return 0;
  switch (a.order) {
    case Order::sequential:
    case Order::any:  // every summation tree of n terms has a path of at most n roundings
      return n;       // the first term is rounded too when it is a product (FMA into zero)
    case Order::pairwise:
      return ceil_log(n, 2) + 1;
    case Order::blocked:
      return std::min(n, static_cast<int64_t>(a.block)) + ceil_div(n, a.block);
    case Order::tree:
      return ceil_log(n, a.fanin) * (a.fanin - 1) + 1;
    case Order::compensated:
      return 2;  // see derive_bound
    case Order::split_k:
      return ceil_div(n, a.splits) + a.splits;
    case Order::fused_block:
      return ceil_div(n, a.block);
    case Order::strided:
      return ceil_div(n, a.lanes) + ceil_log(std::min<int64_t>(n, a.lanes), 2);
  }
  return n;
}

BoundModel derive_bound(const Recipe& r, int64_t n, bool epilogue, double alpha_abs,
                        double align_inflation) {
  BoundModel m;
  const double u_acc = unit(r.acc, r.acc_rounding);
  // A flushed result loses up to the format's smallest normal, not half a subnormal step.
  const double eta_acc = r.ftz.acc ? desc(r.acc).min_normal() : eta(r.acc, r.acc_rounding);
  double log_growth = 0;  // sum of k * log1p(u) over all rounding stages
  double roundings = 0;   // counts in double: n + n or depth * (block + 1) overflow int64

  if (r.input_cast && n > 0)  // both operands of each product rounded once more
    log_growth += 2 * std::log1p(unit(*r.input_cast, r.input_cast_rounding));
  if (r.product && n > 0) {  // each product rounded once before it is summed
    log_growth += std::log1p(unit(*r.product, Rounding::rne));
    roundings += n;
  }
  const Accumulation& a = r.shape;
  const int64_t depth = accumulation_depth(a, n);
  switch (a.order) {
    case Order::compensated:
      // Kahan summation: |E| <= (2u + O(n u^2)) sum |x_i| (Knuth, TAOCP 2, 4.2.2; Higham
      // 2002, eq. 4.8) for terms that are accumulator values. Products that are not (fp32 x
      // fp32, fp16 x fp16 in fp16) are rounded once, uncompensated, on the way in: one more u
      // (a review found 2.64u on such dot products). The O(n u^2) term is taken as 4 n u^2
      // and promised only for n u <= 1/64 (a domain limit beyond, check_runner.cpp).
      log_growth += std::log1p(3 * u_acc + 4.0 * static_cast<double>(n) * u_acc * u_acc);
      roundings += n;
      break;
    case Order::fused_block: {
      // Per block: b products and C truncated to f fraction bits below the largest exponent
      // lose < 2^-f of the largest magnitude each, then one rounding of the exact sum (after a
      // truncation to out_frac_bits where set: < 2^-out_frac_bits relative, RZ).
      const double u_block =
          a.out_frac_bits > 0 ? std::max(u_acc, std::ldexp(1.0, -a.out_frac_bits)) : u_acc;
      const double rho = (a.block + 1) * std::ldexp(align_inflation, -a.frac_bits) + u_block;
      log_growth += static_cast<double>(depth) * std::log1p(rho);
      roundings += static_cast<double>(depth) * (a.block + 1);
      break;
    }
    case Order::split_k: {
      const int64_t chunk = ceil_div(n, a.splits);
      if (a.frac_bits > 0) {  // chunks run chained fused blocks (see fused_block)
        const double rho = (a.block + 1) * std::ldexp(align_inflation, -a.frac_bits) + u_acc;
        log_growth += static_cast<double>(ceil_div(chunk, a.block)) * std::log1p(rho);
        log_growth += static_cast<double>(a.splits) * std::log1p(unit(r.acc, Rounding::rne));
      } else {
        log_growth += static_cast<double>(depth) * std::log1p(u_acc);
      }
      if (desc(a.partial).precision < desc(r.acc).precision ||
          desc(a.partial).emin() > desc(r.acc).emin())
        log_growth += std::log1p(unit(a.partial, Rounding::rne));
      roundings += static_cast<double>(n) + a.splits;
      break;
    }
    default:
      log_growth += static_cast<double>(depth) * std::log1p(u_acc);
      roundings += n;
  }
  // Underflow: an addition of two accumulator values whose result is subnormal is exact
  // (Hauser 1996), so only roundings of values that are not accumulator values can add an
  // absolute error: each term's first rounding (a product fused into the sum), each fused
  // block's rounding of its exact sum, and the epilogue's products.
  double abs_steps = static_cast<double>(n);
  if (a.order == Order::fused_block) abs_steps += static_cast<double>(depth);
  if (epilogue) {  // alpha * acc, beta * c, and their sum: three roundings in acc
    log_growth += 3 * std::log1p(u_acc);
    abs_steps += 3;
  }
  m.phi = std::expm1(log_growth);
  // Once (1 + u)^depth overflows a double, phi and abs_acc are +inf: the worst-case bound is
  // vacuous at that length, and the check reports such elements as domain limits (never NaN).
  m.abs_acc = abs_steps * eta_acc * (1 + m.phi);
  if (r.product) m.abs_acc += static_cast<double>(n) * eta(*r.product, Rounding::rne);
  if (r.ftz.products)  // a flushed product loses up to the smallest normal of its format
    m.abs_acc += static_cast<double>(n) * desc(r.product ? *r.product : r.acc).min_normal();
  if (a.order == Order::split_k)  // storing each partial may underflow in its own format
    m.abs_acc += static_cast<double>(a.splits) * eta(a.partial, Rounding::rne);
  if (a.order == Order::fused_block) {
    const double blocks = static_cast<double>(depth);
    // A zero term aligned at e0 can raise a block's alignment exponent to e0: each of its
    // b + 1 terms then loses < 2^(e0 - f) absolutely.
    if (a.zero_exponent)
      m.abs_acc += blocks * (a.block + 1) * std::ldexp(1.0, *a.zero_exponent - a.frac_bits);
    // The out_frac_bits truncation's grid below the accumulator's smallest normal.
    if (a.out_frac_bits > 0)
      m.abs_acc += blocks * std::ldexp(1.0, desc(r.acc).emin() - a.out_frac_bits);
  }
  m.abs_acc *= std::max(1.0, alpha_abs);  // accumulator errors are scaled by alpha afterwards

  const FormatDesc& in = desc(r.acc);
  const FormatDesc& out = desc(r.out);
  m.out_cast = out.precision < in.precision || out.emin() > in.emin() || out.emax() < in.emax();
  if (m.out_cast) {
    m.u_out = unit(r.out, r.out_rounding);
    m.eta_out = r.ftz.out ? out.min_normal() : eta(r.out, r.out_rounding);
  } else if (r.ftz.out) {  // no rounding at the output, but a subnormal result is flushed
    m.abs_acc += out.min_normal();
  }
  m.prob_factor = 5.0 * std::sqrt(std::max(roundings, 1.0)) * u_acc;
  // An input cast perturbs every product by up to 2 u_cast; summed over the terms that is at
  // most 2 u_cast S whatever the signs, and no smaller in the typical case by enough to matter.
  if (r.input_cast && n > 0) m.prob_factor += 2 * unit(*r.input_cast, r.input_cast_rounding);
  return m;
}

double accumulation_bound(const BoundModel& m, double sum_abs) {
  return times(m.phi, sum_abs) + m.abs_acc;
}

double element_bound(const BoundModel& m, double sum_abs, double y_abs) {
  const double acc = accumulation_bound(m, sum_abs);
  if (!m.out_cast) return acc;
  return acc * (1 + m.u_out) + m.u_out * y_abs + m.eta_out;
}

// The underflow terms are absolute and not random in sign, so they are added in full: without
// them, errors made of subnormal roundings alone would look millions of times above the estimate.
double probabilistic_bound(const BoundModel& m, double sum_abs, double y_abs) {
  const double acc = times(m.prob_factor, sum_abs) + m.abs_acc;
  return m.out_cast ? acc + m.u_out * y_abs + m.eta_out : acc;
}

}  // namespace numguard
