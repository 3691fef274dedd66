#include "references/exact_real.h"

#include <algorithm>
#include <cmath>

#include "references/fixed_window.h"

namespace numguard {
namespace {

using Kind = Unpacked::Kind;
using uint128 = fixed_window::uint128;

ExactReal special(Kind kind, bool negative) {
  ExactReal r;
  r.kind = kind;
  r.negative = kind == Kind::nan ? false : negative;
  return r;
}

void trim(std::vector<uint64_t>& v) {
  while (!v.empty() && v.back() == 0) v.pop_back();
}

// mag * 2^bits as a vector of `limbs` limbs (large enough by the caller's choice).
std::vector<uint64_t> shifted(const std::vector<uint64_t>& mag, int64_t bits, size_t limbs) {
  std::vector<uint64_t> out(limbs, 0);
  const size_t whole = static_cast<size_t>(bits / 64);
  const int part = static_cast<int>(bits % 64);
  for (size_t i = 0; i < mag.size(); ++i) {
    out[i + whole] |= mag[i] << part;
    if (part != 0) out[i + whole + 1] |= mag[i] >> (64 - part);
  }
  return out;
}

int compare(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
  for (size_t i = a.size(); i-- > 0;)
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

}  // namespace

ExactReal ExactReal::from_double(double x) {
  if (std::isnan(x)) return special(Kind::nan, false);
  if (std::isinf(x)) return special(Kind::inf, std::signbit(x));
  if (x == 0) return special(Kind::zero, std::signbit(x));
  int e;
  const double m = std::frexp(std::fabs(x), &e);  // m in [1/2, 1): 53 significant bits
  ExactReal r;
  r.kind = Kind::finite;
  r.negative = std::signbit(x);
  r.lsb_exp = e - 53;
  r.mag = {static_cast<uint64_t>(std::ldexp(m, 53))};
  return r;
}

Unpacked ExactReal::unpacked() const {
  if (kind != Kind::finite) {
    Unpacked u;
    u.kind = kind;
    u.negative = negative;
    return u;
  }
  return fixed_window::unpack_magnitude(mag, negative, lsb_exp);
}

ExactReal mul(const ExactReal& x, double d) {
  if (x.kind == Kind::nan || std::isnan(d)) return special(Kind::nan, false);
  const bool neg = x.negative != std::signbit(d);
  if (x.kind == Kind::inf) return special(d == 0 ? Kind::nan : Kind::inf, neg);
  if (std::isinf(d)) return special(x.kind == Kind::zero ? Kind::nan : Kind::inf, neg);
  if (x.kind == Kind::zero || d == 0) return special(Kind::zero, neg);
  const ExactReal f = ExactReal::from_double(d);
  ExactReal r;
  r.kind = Kind::finite;
  r.negative = neg;
  r.lsb_exp = x.lsb_exp + f.lsb_exp;
  r.mag.resize(x.mag.size() + 1);
  uint64_t carry = 0;
  for (size_t i = 0; i < x.mag.size(); ++i) {
    const uint128 t = static_cast<uint128>(x.mag[i]) * f.mag[0] + carry;
    r.mag[i] = static_cast<uint64_t>(t);
    carry = static_cast<uint64_t>(t >> 64);
  }
  r.mag.back() = carry;
  trim(r.mag);
  return r;
}

ExactReal add(const ExactReal& x, const ExactReal& y, Rounding mode) {
  if (x.kind == Kind::nan || y.kind == Kind::nan) return special(Kind::nan, false);
  if (x.kind == Kind::inf && y.kind == Kind::inf)
    return x.negative == y.negative ? x : special(Kind::nan, false);
  if (x.kind == Kind::inf) return x;
  if (y.kind == Kind::inf) return y;
  const bool exact_zero_negative = mode == Rounding::rd;
  if (x.kind == Kind::zero && y.kind == Kind::zero)
    return special(Kind::zero, x.negative == y.negative ? x.negative : exact_zero_negative);
  if (x.kind == Kind::zero) return y;
  if (y.kind == Kind::zero) return x;

  // Align both on the lower lsb; one spare limb takes the carry of a same-sign sum.
  const int64_t lsb = std::min(x.lsb_exp, y.lsb_exp);
  const int64_t xs = x.lsb_exp - lsb, ys = y.lsb_exp - lsb;
  const int64_t top = std::max(xs + 64 * static_cast<int64_t>(x.mag.size()),
                               ys + 64 * static_cast<int64_t>(y.mag.size()));
  const size_t limbs = static_cast<size_t>(top / 64 + 2);
  std::vector<uint64_t> a = shifted(x.mag, xs, limbs), b = shifted(y.mag, ys, limbs);

  ExactReal r;
  r.kind = Kind::finite;
  r.lsb_exp = lsb;
  r.mag.resize(limbs);
  if (x.negative == y.negative) {
    r.negative = x.negative;
    uint64_t c = 0;
    for (size_t i = 0; i < limbs; ++i) {
      const uint128 t = static_cast<uint128>(a[i]) + b[i] + c;
      r.mag[i] = static_cast<uint64_t>(t);
      c = static_cast<uint64_t>(t >> 64);
    }
  } else {
    const int cmp = compare(a, b);
    if (cmp == 0) return special(Kind::zero, exact_zero_negative);
    if (cmp < 0) std::swap(a, b);
    r.negative = cmp > 0 ? x.negative : y.negative;
    uint64_t borrow = 0;
    for (size_t i = 0; i < limbs; ++i) {
      const uint128 t = static_cast<uint128>(a[i]) - b[i] - borrow;
      r.mag[i] = static_cast<uint64_t>(t);
      borrow = static_cast<uint64_t>(t >> 64) != 0 ? 1 : 0;
    }
  }
  trim(r.mag);
  return r;
}

}  // namespace numguard
