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

std::optional<Format> format_of(int id) {
  if (id < 0 || id >= static_cast<int>(numguard::all_formats().size())) return std::nullopt;
  return static_cast<Format>(id);
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
