// Exact simulation of arithmetic in an accumulation format (fp32, fp16, bf16) on doubles.
//
// Values of the accumulation format travel as doubles (every value of those formats is one).
// An addition is computed as a double rounded to odd and then rounded to the accumulation
// format with round-to-nearest-even. Rounding to odd at 53 bits followed by rounding to
// nearest at p <= 51 bits is a correct single rounding (Boldo & Melquiond, "Emulation of FMA
// and correctly rounded sums: proved algorithms using rounding to odd", IEEE TC 2008), so
//   add(R, acc, x)  ==  the accumulation format's correctly rounded acc + x
// for any two doubles acc and x. Every product of two input values of fp32 or narrower
// (<= 48 significant bits, exponents within [-298, 256]) is exact in double, so
// add(R, acc, a*b) is an exact FMA in the accumulation format: products are never rounded
// on their own unless an algorithm stores one (a pairwise leaf, the first term of a chain).
//
// Plain float `acc + a*b` would not do: bf16 and tf32 products leave fp32's exponent range
// (2^-266 .. 2^256), where the product is rounded or overflows before the addition.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <stdexcept>

#include "harness/core/format.h"

namespace numguard::kernels {

// x + y rounded to 53 bits with round-to-odd: the neighbour with an odd last bit whenever the
// sum is inexact. Exact error by TwoSum (Knuth, TAOCP vol. 2, 4.2.2), valid without overflow.
inline double add_round_to_odd(double x, double y) {
  const double s = x + y;
  if (!std::isfinite(s)) return s;
  const double yy = s - x;
  const double err = (x - (s - yy)) + (y - yy);
  if (err == 0) return s;
  uint64_t bits = std::bit_cast<uint64_t>(s);
  if ((bits & 1) == 0) bits += ((err > 0) == (s > 0)) ? 1 : -1;  // s != 0 when err != 0
  return std::bit_cast<double>(bits);
}

// Round-to-nearest-even of a double to the fp32 grid (hardware conversion, subnormals kept).
struct Fp32Round {
  Format format = Format::fp32;
  double operator()(double x) const { return static_cast<double>(static_cast<float>(x)); }
};

// Round-to-nearest-even of a double to fp16 or bf16 (any binary format of precision p <= 51
// and minimum normal exponent emin (subnormals kept, overflow to inf). Adding and subtracting 1.5 *
// 2^(q+52) rounds to a multiple of 2^q in the current (nearest-even) mode when |x| < 2^(q+51),
// which holds for the ulp exponent q = max(e, emin) - (p-1) of x (the "magic number" trick, Muller
// et al., Handbook of Floating-Point Arithmetic, 2nd ed., 5.3). The project builds with
// -ffp-contract=off, so the two operations stay separate.
struct NarrowRound {
  Format format;
  int p, emin;
  double max_finite;
  explicit NarrowRound(Format f)
      : format(f), p(desc(f).precision), emin(desc(f).emin()), max_finite(desc(f).max_finite()) {}
  double operator()(double x) const {
    const uint64_t bits = std::bit_cast<uint64_t>(x);
    const int biased = static_cast<int>((bits >> 52) & 0x7ff);
    if (biased == 0x7ff || x == 0) return x;  // inf, NaN, zeros
    // Every value reaching here is far above double's subnormal range (>= 2^-298).
    const int e = biased - 1023;
    const int q = (e > emin ? e : emin) - (p - 1);
    const double magic =
        std::bit_cast<double>((static_cast<uint64_t>(q + 52 + 1023) << 52) | (uint64_t{1} << 51));
    double r = (x + magic) - magic;
    r = std::copysign(r, x);  // rounding never changes the sign; keeps -0 for tiny negatives
    if (std::fabs(r) > max_finite) return std::copysign(INFINITY, x);
    return r;
  }
};

// acc + x, correctly rounded to the accumulation format of R.
template <class R>
inline double add(const R& round, double acc, double x) {
  return round(add_round_to_odd(acc, x));
}
// Fast path: when both operands are fp32 values one float addition is the correctly rounded
// sum (IEEE 754), and it is the common case (products of fp16 values, sums of any input).
inline double add(const Fp32Round& round, double acc, double x) {
  const float af = static_cast<float>(acc), xf = static_cast<float>(x);
  if (static_cast<double>(af) == acc && static_cast<double>(xf) == x)
    return static_cast<double>(af + xf);
  return round(add_round_to_odd(acc, x));
}
// x * y, correctly rounded: both are values of formats of at most 26 bits, so x*y is exact.
template <class R>
inline double mul(const R& round, double x, double y) {
  return round(x * y);
}

// Calls f(round) with the rounding policy for an accumulation format.
template <class F>
decltype(auto) with_acc_rounding(Format acc, F&& f) {
  switch (acc) {
    case Format::fp32:
      return f(Fp32Round{});
    case Format::fp16:
      return f(NarrowRound(Format::fp16));
    case Format::bf16:
      return f(NarrowRound(Format::bf16));
    default:
      throw std::invalid_argument("kernels: accumulation format must be fp32, fp16 or bf16");
  }
}

}  // namespace numguard::kernels
