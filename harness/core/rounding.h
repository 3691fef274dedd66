// One generic rounding routine for every format and mode. Inputs arrive as an Unpacked
// value: a 64-bit significand plus a sticky bit, which carries enough information to round
// correctly to any precision up to 62 bits in any mode, so conversions from double, from
// MPFR or between formats round exactly once.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "harness/core/format.h"

namespace numguard {

enum class Rounding : uint8_t {
  rne,  // nearest, ties to even
  rz,   // toward zero
  ru,   // toward +inf
  rd,   // toward -inf
  rna,  // nearest, ties away from zero (CUDA's cvt.rna.tf32.f32)
  sr,   // stochastic: up with probability equal to the discarded fraction of an ulp
};

std::optional<Rounding> rounding_from_name(std::string_view name);
std::string_view name(Rounding r);

// value = (-1)^negative * mant * 2^(exp - 63), mant in [2^63, 2^64) for finite values.
// sticky: the true magnitude is strictly larger than mant * 2^(exp-63) but below the next
// 64-bit significand, i.e. bits were lost below the 64 kept ones.
struct Unpacked {
  enum class Kind : uint8_t { zero, finite, inf, nan };
  Kind kind = Kind::zero;
  bool negative = false;
  int64_t exp = 0;
  uint64_t mant = 0;
  bool sticky = false;

  static Unpacked from_double(double x);
  static Unpacked from_bits(Format f, uint64_t bits, bool daz = false);
};

// Counter-based generator for stochastic rounding: the same seed gives the same sequence.
class StochasticSource {
 public:
  explicit StochasticSource(uint64_t seed) : state_(seed) {}
  uint64_t next();  // splitmix64
  // The generator's whole state: a C caller (numguard/formats.h) keeps it between calls.
  uint64_t state() const { return state_; }

 private:
  uint64_t state_;
};

struct RoundOptions {
  Rounding mode = Rounding::rne;
  bool ftz = false;                 // flush subnormal results to zero (after rounding)
  std::optional<bool> saturate;     // overflow to max finite instead of inf/NaN; default per format
  StochasticSource* rng = nullptr;  // required for Rounding::sr
};

struct RoundResult {
  uint64_t bits = 0;
  bool inexact = false;
  bool overflow = false;
  bool underflow = false;  // tiny and inexact (or flushed)
};

RoundResult round_to(Format to, const Unpacked& x, const RoundOptions& opt = {});
inline RoundResult round_double(Format to, double x, const RoundOptions& opt = {}) {
  return round_to(to, Unpacked::from_double(x), opt);
}
// Direct conversion between formats; daz treats subnormal inputs as zero.
RoundResult convert(Format from, uint64_t bits, Format to, const RoundOptions& opt = {},
                    bool daz = false);

// Shorthand used by kernels: round x to the format with RNE and return the value as double.
double round_value(Format to, double x, Rounding mode = Rounding::rne);

}  // namespace numguard
