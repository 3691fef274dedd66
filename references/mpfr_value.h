// Bridges between MPFR numbers and the core's Unpacked representation, and exact parsing of
// decimal and hexadecimal real literals. Everything here rounds once: MPFR values are read
// as a 64-bit truncated significand plus a sticky bit, which round_to() then rounds into any
// format in any mode.
#pragma once

#include <inttypes.h>
#include <mpfr.h>
#include <cstdint>  // before mpfr.h: enables mpfr_get_uj

#include <optional>
#include <string_view>

#include "harness/core/rounding.h"

namespace numguard {

// MPFR keeps per-thread caches (constants such as log2 and pi, its pool of mpz integers)
// that it never frees, so each worker thread that ran MPFR code would leak them when it
// ends. The first call on a thread arranges for the thread's exit to free them
// (mpfr_free_cache2(MPFR_FREE_LOCAL_CACHE)); later calls are a thread-local check. Every
// Mpfr calls it; code running raw mpfr_t on its own threads calls it once per thread.
void free_mpfr_caches_at_thread_exit();

// RAII holder for an mpfr_t.
class Mpfr {
 public:
  explicit Mpfr(mpfr_prec_t prec) {
    free_mpfr_caches_at_thread_exit();
    mpfr_init2(v_, prec);
  }
  ~Mpfr() { mpfr_clear(v_); }
  Mpfr(const Mpfr&) = delete;
  Mpfr& operator=(const Mpfr&) = delete;
  mpfr_ptr get() { return v_; }
  mpfr_srcptr get() const { return v_; }
  operator mpfr_ptr() { return v_; }
  operator mpfr_srcptr() const { return v_; }

 private:
  mpfr_t v_;
};

// Exact reading of any MPFR value (precision and exponent range unrestricted).
Unpacked unpack(mpfr_srcptr x);

// Correct rounding of an MPFR value into a format.
RoundResult round_mpfr(Format to, mpfr_srcptr x, const RoundOptions& opt = {});

// Parses a real literal: decimal ("0.26914", "-3e-8"), hexadecimal float ("0x1.8p-3"),
// "inf", "-inf", "nan". The whole string must be consumed. Returns the value exactly enough
// to round correctly (64-bit significand and sticky bit), or nullopt.
std::optional<Unpacked> parse_real(std::string_view text);

}  // namespace numguard
