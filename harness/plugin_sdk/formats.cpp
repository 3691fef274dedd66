// The C functions of include/numguard/formats.h, each a thin call into harness/core so that
// plugins round exactly as numguard's references and bounds assume.
#include "include/numguard/formats.h"

#include <limits>
#include <optional>

#include "harness/core/format.h"
#include "harness/core/rounding.h"

namespace {

using numguard::Format;

// The C ids are the positions in core's format table; a reordering there must show here.
static_assert(NUMGUARD_FORMAT_FP64 == static_cast<int>(Format::fp64));
static_assert(NUMGUARD_FORMAT_FP32 == static_cast<int>(Format::fp32));
static_assert(NUMGUARD_FORMAT_TF32 == static_cast<int>(Format::tf32));
static_assert(NUMGUARD_FORMAT_BF16 == static_cast<int>(Format::bf16));
static_assert(NUMGUARD_FORMAT_FP16 == static_cast<int>(Format::fp16));
static_assert(NUMGUARD_FORMAT_E4M3 == static_cast<int>(Format::e4m3));
static_assert(NUMGUARD_FORMAT_E5M2 == static_cast<int>(Format::e5m2));
static_assert(NUMGUARD_FORMAT_E2M1 == static_cast<int>(Format::e2m1));
static_assert(NUMGUARD_FORMAT_E3M2 == static_cast<int>(Format::e3m2));
static_assert(NUMGUARD_FORMAT_E2M3 == static_cast<int>(Format::e2m3));
static_assert(NUMGUARD_FORMAT_E8M0 == static_cast<int>(Format::e8m0));
static_assert(NUMGUARD_FORMAT_UE4M3 == static_cast<int>(Format::ue4m3));
static_assert(NUMGUARD_FORMAT_E4M3FNUZ == static_cast<int>(Format::e4m3fnuz));
static_assert(NUMGUARD_FORMAT_E5M2FNUZ == static_cast<int>(Format::e5m2fnuz));

static_assert(NUMGUARD_RNE == static_cast<int>(numguard::Rounding::rne));
static_assert(NUMGUARD_RZ == static_cast<int>(numguard::Rounding::rz));
static_assert(NUMGUARD_RU == static_cast<int>(numguard::Rounding::ru));
static_assert(NUMGUARD_RD == static_cast<int>(numguard::Rounding::rd));
static_assert(NUMGUARD_RNA == static_cast<int>(numguard::Rounding::rna));
static_assert(NUMGUARD_SR == static_cast<int>(numguard::Rounding::sr));

constexpr unsigned kKnownFlags =
    NUMGUARD_ROUND_FTZ | NUMGUARD_ROUND_SATURATE | NUMGUARD_ROUND_NO_SATURATE | NUMGUARD_ROUND_DAZ;

std::optional<Format> format_of(int id) {
  if (id < 0 || id >= static_cast<int>(numguard::all_formats().size())) return std::nullopt;
  return static_cast<Format>(id);
}

// The options the C arguments ask for, or nullopt when they are a bad argument (formats.h).
std::optional<numguard::RoundOptions> options_of(int mode, unsigned flags, const uint64_t* sr) {
  if (mode < NUMGUARD_RNE || mode > NUMGUARD_SR || (flags & ~kKnownFlags) != 0) return std::nullopt;
  const bool sat = (flags & NUMGUARD_ROUND_SATURATE) != 0;
  const bool no_sat = (flags & NUMGUARD_ROUND_NO_SATURATE) != 0;
  if ((sat && no_sat) || (mode == NUMGUARD_SR && !sr)) return std::nullopt;
  numguard::RoundOptions o;
  o.mode = static_cast<numguard::Rounding>(mode);
  o.ftz = (flags & NUMGUARD_ROUND_FTZ) != 0;
  if (sat || no_sat) o.saturate = sat;  // neither: the format's default
  return o;
}

// Rounds with the caller's generator state, written back so the next call continues it.
template <typename Round>
uint64_t round_with(Format to, int mode, unsigned flags, uint64_t* sr_state, Round round) {
  std::optional<numguard::RoundOptions> o = options_of(mode, flags, sr_state);
  if (!o) return numguard::desc(to).nan_bits();
  if (o->mode != numguard::Rounding::sr) return round(*o).bits;
  numguard::StochasticSource rng(*sr_state);
  o->rng = &rng;
  const uint64_t bits = round(*o).bits;
  *sr_state = rng.state();
  return bits;
}

}  // namespace

extern "C" int numguard_format_from_name(const char* name) {
  if (!name) return -1;
  const std::optional<Format> f = numguard::format_from_name(name);
  return f ? static_cast<int>(*f) : -1;
}

extern "C" double numguard_format_decode(int format, uint64_t bits) {
  const std::optional<Format> f = format_of(format);
  if (!f) return std::numeric_limits<double>::quiet_NaN();
  return numguard::decode(*f, bits & numguard::desc(*f).storage_mask());
}

extern "C" uint64_t numguard_format_round(int format, double x) {
  const std::optional<Format> f = format_of(format);
  if (!f) return 0;
  return numguard::round_double(*f, x).bits;
}

extern "C" int numguard_format_rounding_from_name(const char* name) {
  if (!name) return -1;
  const std::optional<numguard::Rounding> r = numguard::rounding_from_name(name);
  return r ? static_cast<int>(*r) : -1;
}

extern "C" uint64_t numguard_format_round_mode(int format, double x, int mode, unsigned flags,
                                               uint64_t* sr_state) {
  const std::optional<Format> f = format_of(format);
  if (!f) return 0;
  return round_with(*f, mode, flags, sr_state, [&](const numguard::RoundOptions& o) {
    return numguard::round_double(*f, x, o);
  });
}

extern "C" uint64_t numguard_format_convert(int from, uint64_t bits, int to, int mode,
                                            unsigned flags, uint64_t* sr_state) {
  const std::optional<Format> f = format_of(from);
  const std::optional<Format> t = format_of(to);
  if (!f || !t) return 0;
  const uint64_t in = bits & numguard::desc(*f).storage_mask();
  const bool daz = (flags & NUMGUARD_ROUND_DAZ) != 0;
  return round_with(*t, mode, flags, sr_state, [&](const numguard::RoundOptions& o) {
    return numguard::convert(*f, in, *t, o, daz);
  });
}

extern "C" int numguard_format_is_subnormal(int format, uint64_t bits) {
  const std::optional<Format> f = format_of(format);
  if (!f) return 0;
  const uint64_t b = bits & numguard::desc(*f).storage_mask();
  return numguard::classify(*f, b) == numguard::FpClass::subnormal ? 1 : 0;
}

extern "C" int numguard_format_is_nan(int format, uint64_t bits) {
  const std::optional<Format> f = format_of(format);
  if (!f) return 0;
  return numguard::is_nan(*f, bits & numguard::desc(*f).storage_mask()) ? 1 : 0;
}
