// The value stream of the fuzz targets: bytes read cyclically, and the element encodings
// (ValueMode, fuzz/gemm_input.h) that turn them into bit patterns of a format.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>

#include "fuzz/gemm_input.h"
#include "harness/engine/generators.h"

namespace numguard::fuzz {

// The value stream, read cyclically.
class Stream {
 public:
  explicit Stream(std::span<const uint8_t> d) : d_(d) {}
  uint64_t bytes(int n) {
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= static_cast<uint64_t>(next()) << (8 * i);
    return v;
  }

 private:
  uint8_t next() {
    if (d_.empty()) return 0;
    const uint8_t b = d_[pos_];
    pos_ = (pos_ + 1) % d_.size();
    return b;
  }
  std::span<const uint8_t> d_;
  size_t pos_ = 0;
};

inline int container_bytes(const FormatDesc& d) {
  return (d.storage_bits + 7) / 8;
}

// Clears the bits below a format's precision (tf32's low 13): the canonical encoding.
inline uint64_t canonical(const FormatDesc& d, uint64_t bits) {
  const uint64_t pad = (uint64_t{1} << d.pad_bits()) - 1;
  // Only the format's fields: ue4m3's unused top bit stays clear, as in every UE4M3 tensor.
  return bits & d.field_mask() & ~pad;
}

inline uint64_t element(Format f, ValueMode mode, Stream& s) {
  const FormatDesc& d = desc(f);
  switch (mode) {
    case ValueMode::raw:
      return canonical(d, s.bytes(container_bytes(d)));
    case ValueMode::unit:
      return to_bits(f, static_cast<int16_t>(s.bytes(2)) / 32768.0);
    case ValueMode::small_int:
      return to_bits(f, static_cast<int8_t>(s.bytes(1)));
    case ValueMode::window: {
      const uint64_t raw = canonical(d, s.bytes(container_bytes(d)));
      const uint64_t field = (raw >> d.frac_field_bits) & d.exp_field_max();
      const int64_t e = static_cast<int64_t>(field % 16) - 8;
      // Normal encodings only; the top field is inf/NaN in IEEE formats.
      const int64_t top = static_cast<int64_t>(d.exp_field_max()) - (d.has_inf() ? 1 : 0);
      const auto folded = static_cast<uint64_t>(std::clamp<int64_t>(d.bias() + e, 1, top));
      return (raw & (d.sign_mask() | d.frac_mask())) | (folded << d.frac_field_bits);
    }
  }
  return 0;
}

inline uint64_t special_bits(Format f, SpecialKind k) {
  const FormatDesc& d = desc(f);
  switch (k) {
    case SpecialKind::none:
      return 0;
    case SpecialKind::neg_zero:
      return d.sign_mask();
    case SpecialKind::pos_inf:
      return d.has_inf() ? d.inf_bits(false) : d.nan_bits();
    case SpecialKind::neg_inf:
      return d.has_inf() ? d.inf_bits(true) : d.nan_bits() | d.sign_mask();
    case SpecialKind::nan:
      return d.nan_bits();
    case SpecialKind::pos_max:
      return d.max_finite_bits();
    case SpecialKind::neg_max:
      return d.max_finite_bits() | d.sign_mask();
    case SpecialKind::min_subnormal:
      return d.min_subnormal_bits();
  }
  return 0;
}

}  // namespace numguard::fuzz
