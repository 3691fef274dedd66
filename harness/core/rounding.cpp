#include "harness/core/rounding.h"

#include <cmath>

namespace numguard {
namespace {

constexpr std::string_view kRoundingNames[] = {"rne", "rz", "ru", "rd", "rna", "sr"};

enum class Half : uint8_t { exact, below, tie, above };

// What an overflow gives where the format does not saturate: inf, else NaN, else (fp6, fp4:
// neither) the largest finite value.
uint64_t beyond_range(const FormatDesc& d, bool neg) {
  if (d.has_inf()) return d.inf_bits(neg);
  return d.has_nan() ? d.nan_bits() : (neg ? d.sign_mask() : 0) | d.max_finite_bits();
}

uint64_t overflow_bits(const FormatDesc& d, bool neg, Rounding mode, bool saturate) {
  const uint64_t sign = neg ? d.sign_mask() : 0;
  bool to_max = saturate || mode == Rounding::rz || (mode == Rounding::ru && neg) ||
                (mode == Rounding::rd && !neg);
  if (to_max) return sign | d.max_finite_bits();
  return beyond_range(d, neg);
}

}  // namespace

std::optional<Rounding> rounding_from_name(std::string_view n) {
  for (size_t i = 0; i < std::size(kRoundingNames); ++i)
    if (kRoundingNames[i] == n) return static_cast<Rounding>(i);
  return std::nullopt;
}

std::string_view name(Rounding r) {
  return kRoundingNames[static_cast<size_t>(r)];
}

uint64_t StochasticSource::next() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

Unpacked Unpacked::from_double(double x) {
  Unpacked u;
  u.negative = std::signbit(x);
  if (std::isnan(x)) {
    u.kind = Kind::nan;
  } else if (std::isinf(x)) {
    u.kind = Kind::inf;
  } else if (x == 0) {
    u.kind = Kind::zero;
  } else {
    int e;
    const double m = std::frexp(std::fabs(x), &e);  // m in [0.5, 1)
    u.kind = Kind::finite;
    u.exp = e - 1;
    u.mant = static_cast<uint64_t>(std::ldexp(m, 64));  // exact: 53 significant bits
  }
  return u;
}

Unpacked Unpacked::from_bits(Format f, uint64_t bits, bool daz) {
  return from_double(decode(f, bits, daz));
}

RoundResult round_to(Format to, const Unpacked& x, const RoundOptions& opt) {
  const FormatDesc& d = desc(to);
  const bool saturate = opt.saturate.value_or(d.saturates_by_default);
  const uint64_t sign = x.negative ? d.sign_mask() : 0;
  RoundResult r;
  // Unsigned formats: a negative number has no encoding (NaN); -0 is +0.
  if (!d.has_sign && x.negative && x.kind != Unpacked::Kind::zero &&
      x.kind != Unpacked::Kind::nan) {
    r.bits = d.nan_bits();
    return r;
  }
  // e8m0 has no zero: a zero, like any value below its range, becomes its smallest, 2^-127
  // (the OCP MX rule for a scale below the range).
  if (!d.has_zero() && x.kind == Unpacked::Kind::zero) {
    r.bits = d.min_subnormal_bits();
    r.inexact = r.underflow = true;
    return r;
  }
  switch (x.kind) {
    case Unpacked::Kind::nan:
      r.bits = d.nan_bits();
      return r;
    case Unpacked::Kind::inf:
      r.bits = saturate ? sign | d.max_finite_bits() : beyond_range(d, x.negative);
      r.overflow = saturate || !d.has_inf();
      return r;
    case Unpacked::Kind::zero:
      r.bits = d.has_negative_zero() ? sign : 0;  // fnuz: -0's pattern is NaN
      return r;
    case Unpacked::Kind::finite:
      break;
  }

  const int p = d.precision;
  const int64_t q = std::max<int64_t>(x.exp, d.emin()) - (p - 1);  // exponent of the target ulp
  const int64_t shift = q - (x.exp - 63);                          // >= 64 - p > 0

  uint64_t kept;
  Half half;
  if (shift < 64) {
    kept = x.mant >> shift;
    const uint64_t rem = x.mant & ((uint64_t{1} << shift) - 1);
    const uint64_t h = uint64_t{1} << (shift - 1);
    if (rem == 0 && !x.sticky)
      half = Half::exact;
    else if (rem < h)
      half = Half::below;
    else if (rem == h)
      half = x.sticky ? Half::above : Half::tie;
    else
      half = Half::above;
    if (opt.mode == Rounding::sr && half != Half::exact) {
      // Up with probability rem / 2^shift (plus a sticky-sized nudge).
      const uint64_t rnd = opt.rng->next() >> (64 - shift);
      kept += (rnd < rem || (rnd == rem && x.sticky)) ? 1 : 0;
    }
  } else {
    kept = 0;
    half = shift > 64 ? Half::below : (x.mant << 1 != 0 || x.sticky ? Half::above : Half::tie);
    if (opt.mode == Rounding::sr) {
      const double frac = std::ldexp(static_cast<double>(x.mant),
                                     static_cast<int>(-std::min<int64_t>(shift, 4000)));
      kept = std::ldexp(static_cast<double>(opt.rng->next() >> 11), -53) < frac ? 1 : 0;
    }
  }
  r.inexact = half != Half::exact;

  bool up = false;
  switch (opt.mode) {
    case Rounding::rne:
      up = half == Half::above || (half == Half::tie && (kept & 1));
      break;
    case Rounding::rna:
      up = half == Half::above || half == Half::tie;
      break;
    case Rounding::rz:
    case Rounding::sr:  // already applied
      break;
    case Rounding::ru:
      up = r.inexact && !x.negative;
      break;
    case Rounding::rd:
      up = r.inexact && x.negative;
      break;
  }
  kept += up ? 1 : 0;
  int64_t qe = q;
  const uint64_t implicit = uint64_t{1} << (p - 1);
  if (kept == (implicit << 1)) {
    kept = implicit;
    ++qe;
  }

  if (kept >= implicit) {
    const int64_t e = qe + (p - 1);
    const uint64_t biased = static_cast<uint64_t>(e + d.bias());
    if (e > d.emax()) {
      r.bits = overflow_bits(d, x.negative, opt.mode, saturate);
      r.overflow = true;
      return r;
    }
    const uint64_t mag = (biased << d.frac_field_bits) | ((kept - implicit) << d.pad_bits());
    if (mag > d.max_finite_bits()) {  // e4m3fn: the NaN slot at the top of the last binade
      r.bits = overflow_bits(d, x.negative, opt.mode, saturate);
      r.overflow = true;
      return r;
    }
    r.bits = sign | mag;
    return r;
  }
  // Subnormal or zero result.
  r.underflow = r.inexact;
  if (!d.has_zero()) {  // e8m0: below its smallest value (its "subnormal" range is empty)
    r.bits = d.min_subnormal_bits();
    r.inexact = r.underflow = true;
    return r;
  }
  const uint64_t zero_sign = d.has_negative_zero() ? sign : 0;
  if (opt.ftz && kept != 0) {
    r.bits = zero_sign;
    r.underflow = true;
    r.inexact = true;
    return r;
  }
  r.bits = kept == 0 ? zero_sign : sign | (kept << d.pad_bits());
  return r;
}

RoundResult convert(Format from, uint64_t bits, Format to, const RoundOptions& opt, bool daz) {
  return round_to(to, Unpacked::from_bits(from, bits, daz), opt);
}

double round_value(Format to, double x, Rounding mode) {
  RoundOptions o;
  o.mode = mode;
  return decode(to, round_double(to, x, o).bits);
}

}  // namespace numguard
