// Double-word ("double-double") arithmetic: a value hi + lo with |lo| <= ulp(hi) / 2, about
// 106 bits. The algorithms are those analysed by Joldes, Muller and Popescu, "Tight and rigorous
// error bounds for basic building blocks of double-word arithmetic" (ACM TOMS 44(2), 2017):
// add is AccurateDWPlusDW, the products DWTimesFP and DWTimesDW, the quotient DWDivDW; their
// proven relative error bounds are small multiples of u^2 (u = 2^-53), the largest about
// 15u^2, all below 2^-100, which is the figure the users of this header
// (references/dd_softmax.cpp) assume per operation. No FMA: products are split with Dekker's
// algorithm, so the results do not depend on the CPU or on contraction (the references build
// with -ffp-contract=off). Valid while no intermediate overflows or underflows (|values| well
// inside 2^-960 .. 2^996), which callers ensure.
#pragma once

namespace numguard::dd {

struct DD {
  double hi = 0, lo = 0;
};

// a + b = s + e exactly.
inline DD two_sum(double a, double b) {
  const double s = a + b, z = s - a;
  return {s, (a - (s - z)) + (b - z)};
}
// a + b = s + e exactly when |a| >= |b| (or a == 0).
inline DD fast_two_sum(double a, double b) {
  const double s = a + b;
  return {s, b - (s - a)};
}
// a * b = p + e exactly (Dekker and Veltkamp).
inline DD two_prod(double a, double b) {
  constexpr double kSplit = 134217729.0;  // 2^27 + 1
  const double ca = kSplit * a, ah = ca - (ca - a), al = a - ah;
  const double cb = kSplit * b, bh = cb - (cb - b), bl = b - bh;
  const double p = a * b;
  return {p, ((ah * bh - p) + ah * bl + al * bh) + al * bl};
}

inline DD add(DD x, DD y) {
  const DD s = two_sum(x.hi, y.hi), t = two_sum(x.lo, y.lo);
  const DD v = fast_two_sum(s.hi, s.lo + t.hi);
  return fast_two_sum(v.hi, t.lo + v.lo);
}
inline DD neg(DD x) {
  return {-x.hi, -x.lo};
}
inline DD mul(DD x, double y) {
  const DD c = two_prod(x.hi, y);
  return fast_two_sum(c.hi, x.lo * y + c.lo);
}
inline DD mul(DD x, DD y) {
  const DD c = two_prod(x.hi, y.hi);
  return fast_two_sum(c.hi, c.lo + (x.hi * y.lo + x.lo * y.hi));
}
inline DD div(DD x, DD y) {
  const double th = x.hi / y.hi;
  const DD r = mul(y, th);
  const double d = (x.hi - r.hi) + (x.lo - r.lo);  // x.hi - r.hi is exact (Sterbenz)
  return fast_two_sum(th, d / y.hi);
}

}  // namespace numguard::dd
