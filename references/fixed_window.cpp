#include "references/fixed_window.h"

#include <bit>

namespace numguard::fixed_window {

Unpacked unpack_magnitude(std::span<const uint64_t> mag, bool negative, int64_t lsb_exp) {
  Unpacked u;
  u.negative = negative;
  size_t t = mag.size();
  while (t > 0 && mag[t - 1] == 0) --t;
  if (t == 0) {
    u.kind = Unpacked::Kind::zero;
    return u;
  }
  --t;
  const int64_t top = 64 * static_cast<int64_t>(t) + (63 - std::countl_zero(mag[t]));
  u.kind = Unpacked::Kind::finite;
  u.exp = lsb_exp + top;
  if (top < 64) {
    u.mant = mag[0] << (63 - top);
    return u;
  }
  // The 64 kept bits are [top-63, top]; everything below them folds into the sticky bit.
  const int64_t low = top - 63;
  const size_t li = static_cast<size_t>(low / 64);
  const int sh = static_cast<int>(low % 64);
  u.mant = mag[li] >> sh;
  if (sh != 0) u.mant |= mag[li + 1] << (64 - sh);
  bool sticky = sh != 0 && (mag[li] & ((uint64_t{1} << sh) - 1)) != 0;
  for (size_t j = 0; j < li && !sticky; ++j) sticky = mag[j] != 0;
  u.sticky = sticky;
  return u;
}

}  // namespace numguard::fixed_window
