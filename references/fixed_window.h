// Fixed-point windows for exact accumulation (Kulisch's long accumulator). Every product of
// two values of a binary format is an integer times 2^(2*(emin - f)), where f is the fraction
// field width, so a two's-complement integer wide enough for the largest product plus
// log2(n) bits of headroom holds any sum of such products with no rounding at all.
//
// Two layouts:
// - Int128Window: one 128-bit integer, for formats whose products span at most 80 bits
//   (fp16, e5m2, e4m3); one add per term.
// - ChunkWindow<N>: N 128-bit chunks each receiving 64-bit digits, so a term touches only
//   the two (or three) chunks it overlaps and carries are resolved once at the end. This is
//   the "small superaccumulator" idea of R. M. Neal, "Fast exact summation using small and
//   large superaccumulators" (arXiv:1505.05571, 2015), with 64-bit digits in 128-bit chunks
//   instead of 32-bit digits in 64-bit chunks.
//
// Arithmetic is unsigned (wrapping is defined); callers bound the term count so the true
// value always fits and the final two's-complement reading is exact.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "harness/core/rounding.h"

namespace numguard::fixed_window {

using int128 = __int128;
using uint128 = unsigned __int128;

// Exact Unpacked reading of mag * 2^lsb_exp (mag little-endian, 64-bit limbs). A zero
// magnitude gives Kind::zero with the given sign; the caller decides the sign of zero.
Unpacked unpack_magnitude(std::span<const uint64_t> mag, bool negative, int64_t lsb_exp);

class Int128Window {
 public:
  static constexpr int kMagnitudeLimbs = 2;

  // += p * 2^shift; |p| * 2^shift < 2^127 is the caller's contract.
  void add(int64_t p, unsigned shift) {
    acc_ += static_cast<uint128>(static_cast<int128>(p) << shift);
  }
  void merge(const Int128Window& o) { acc_ += o.acc_; }

  // Magnitude limbs; returns true when the sum is negative.
  bool magnitude(std::array<uint64_t, kMagnitudeLimbs>& out) const {
    const bool neg = static_cast<int128>(acc_) < 0;
    const uint128 m = neg ? uint128{0} - acc_ : acc_;
    out = {static_cast<uint64_t>(m), static_cast<uint64_t>(m >> 64)};
    return neg;
  }

 private:
  uint128 acc_ = 0;
};

template <int N>
class ChunkWindow {
 public:
  // Two extra limbs: the carry out of the top chunk and its sign extension.
  static constexpr int kMagnitudeLimbs = N + 2;

  // += p * 2^shift for |p| < 2^63: the shifted value spans at most two 64-bit digits.
  void add(int64_t p, unsigned shift) {
    const unsigned i = shift >> 6;
    const int128 v = static_cast<int128>(p) << (shift & 63);
    chunk_[i] += static_cast<uint64_t>(v);           // low digit, in [0, 2^64)
    chunk_[i + 1] += static_cast<uint128>(v >> 64);  // signed high digit
  }
  // += p * 2^shift for |p| < 2^126 (fp64 products): split into an unsigned low limb and a
  // signed high limb, each added as above.
  void add_wide(int128 p, unsigned shift) {
    const uint64_t lo = static_cast<uint64_t>(p);
    const int64_t hi = static_cast<int64_t>(p >> 64);
    const unsigned i = shift >> 6;
    const uint128 v = static_cast<uint128>(lo) << (shift & 63);
    chunk_[i] += static_cast<uint64_t>(v);
    chunk_[i + 1] += v >> 64;
    add(hi, shift + 64);
  }
  void merge(const ChunkWindow& o) {
    for (int i = 0; i < N; ++i) chunk_[i] += o.chunk_[i];
  }

  // Resolves the pending carries into a two's-complement integer, then takes its magnitude.
  bool magnitude(std::array<uint64_t, kMagnitudeLimbs>& out) const {
    int128 carry = 0;
    for (int i = 0; i < N; ++i) {
      const int128 t = static_cast<int128>(chunk_[i]) + carry;
      out[i] = static_cast<uint64_t>(t);
      carry = t >> 64;
    }
    out[N] = static_cast<uint64_t>(carry);
    out[N + 1] = carry < 0 ? ~uint64_t{0} : 0;
    const bool neg = carry < 0;
    if (neg) {  // two's-complement negation across the limbs
      uint64_t c = 1;
      for (uint64_t& x : out) {
        const uint128 t = static_cast<uint128>(~x) + c;
        x = static_cast<uint64_t>(t);
        c = static_cast<uint64_t>(t >> 64);
      }
    }
    return neg;
  }

 private:
  std::array<uint128, N> chunk_{};
};

}  // namespace numguard::fixed_window
