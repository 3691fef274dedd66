#include "references/mpfr_value.h"

#include <string>

namespace numguard {

namespace {

struct MpfrCacheReleaser {
  ~MpfrCacheReleaser() { mpfr_free_cache2(MPFR_FREE_LOCAL_CACHE); }
};

}  // namespace

void free_mpfr_caches_at_thread_exit() {
  // Constructed on a thread's first call, destroyed (freeing the caches) at that thread's
  // exit, the main thread's included (exit() runs thread_local destructors).
  thread_local MpfrCacheReleaser releaser;
  (void)releaser;
}

Unpacked unpack(mpfr_srcptr x) {
  Unpacked u;
  u.negative = mpfr_signbit(x) != 0;
  if (mpfr_nan_p(x)) {
    u.kind = Unpacked::Kind::nan;
    return u;
  }
  if (mpfr_inf_p(x)) {
    u.kind = Unpacked::Kind::inf;
    return u;
  }
  if (mpfr_zero_p(x)) {
    u.kind = Unpacked::Kind::zero;
    return u;
  }
  // Truncate to 64 significant bits; the ternary value says whether anything was dropped.
  Mpfr t(64);
  const int ternary = mpfr_set(t, x, MPFR_RNDZ);
  u.kind = Unpacked::Kind::finite;
  u.sticky = ternary != 0;
  u.exp = mpfr_get_exp(t) - 1;  // MPFR significands lie in [1/2, 1)
  mpfr_abs(t, t, MPFR_RNDN);
  mpfr_set_exp(t, 64);  // now an integer in [2^63, 2^64)
  u.mant = mpfr_get_uj(t, MPFR_RNDZ);
  return u;
}

RoundResult round_mpfr(Format to, mpfr_srcptr x, const RoundOptions& opt) {
  return round_to(to, unpack(x), opt);
}

std::optional<Unpacked> parse_real(std::string_view text) {
  std::string s(text);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
  size_t start = s.find_first_not_of(" \t");
  if (start == std::string::npos) return std::nullopt;
  s.erase(0, start);
  std::string lower = s;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string body = lower;
  bool neg = false;
  if (!body.empty() && (body[0] == '-' || body[0] == '+')) {
    neg = body[0] == '-';
    body.erase(0, 1);
  }
  Unpacked u;
  u.negative = neg;
  if (body == "inf" || body == "infinity") {
    u.kind = Unpacked::Kind::inf;
    return u;
  }
  if (body == "nan") {
    u.kind = Unpacked::Kind::nan;
    return u;
  }
  // MPFR accepts more spellings (e.g. "@inf@", "0b101"); keep to decimal and 0x-hex.
  const bool hex = body.rfind("0x", 0) == 0;
  if (body.empty() ||
      body.find_first_not_of(hex ? "0123456789abcdefx.p+-" : "0123456789.e+-") != std::string::npos)
    return std::nullopt;
  Mpfr v(64);
  char* end = nullptr;
  const int ternary = mpfr_strtofr(v, s.c_str(), &end, 0, MPFR_RNDZ);
  if (end == s.c_str() || *end != '\0') return std::nullopt;
  if (ternary != 0 && (mpfr_zero_p(v) || mpfr_inf_p(v))) {
    // Beyond MPFR's exponent range: a finite value far below (or above) every format, so
    // that round_to() still honours the rounding mode (RU of 1e-99999999999999 is the
    // smallest subnormal; RZ of 1e99999999999999 is the largest finite).
    u.kind = Unpacked::Kind::finite;
    u.exp = mpfr_zero_p(v) ? -(int64_t{1} << 62) : (int64_t{1} << 62);
    u.mant = uint64_t{1} << 63;
    u.sticky = mpfr_zero_p(v);
    return u;
  }
  u = unpack(v);
  u.negative = neg;  // keeps -0
  u.sticky = u.sticky || ternary != 0;
  return u;
}

}  // namespace numguard
