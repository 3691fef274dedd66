// C++ spellings of numguard/formats.h (C++17): defaulted mode and flags, so a kernel reads
// `numguard::round(NUMGUARD_FORMAT_FP16, x)` or `numguard::round(f, x, NUMGUARD_RZ)`. Same
// library (numguard::formats), same results, same bad-argument behaviour.
#ifndef NUMGUARD_FORMATS_HPP
#define NUMGUARD_FORMATS_HPP

#include <cstdint>

#include "formats.h"  // this folder: found the same way in the source tree and installed

namespace numguard {

// The formats take int, not numguard_format_id, so that the result of
// numguard_format_from_name() passes as it is.
inline double decode(int format, std::uint64_t bits) {
  return numguard_format_decode(format, bits);
}

inline std::uint64_t round(int format, double x, numguard_rounding mode = NUMGUARD_RNE,
                           unsigned flags = 0, std::uint64_t* sr_state = nullptr) {
  return numguard_format_round_mode(format, x, mode, flags, sr_state);
}

inline std::uint64_t convert(int from, std::uint64_t bits, int to,
                             numguard_rounding mode = NUMGUARD_RNE, unsigned flags = 0,
                             std::uint64_t* sr_state = nullptr) {
  return numguard_format_convert(from, bits, to, mode, flags, sr_state);
}

inline bool is_nan(int format, std::uint64_t bits) {
  return numguard_format_is_nan(format, bits) != 0;
}

inline bool is_subnormal(int format, std::uint64_t bits) {
  return numguard_format_is_subnormal(format, bits) != 0;
}

}  // namespace numguard

#endif  // NUMGUARD_FORMATS_HPP
