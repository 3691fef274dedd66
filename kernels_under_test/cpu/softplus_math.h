// softplus in fp32 as PyTorch computes it (beta 1, threshold 20): t above the threshold is
// returned as it is (log(1 + e^t) - t < e^-20 there), below it log1p(exp(t)). log1p is
// Goldberg's (1991, Theorem 4): v = 1 + u, then u when v rounds to 1, else
// log(v) * (u / (v - 1)), which cancels the rounding of 1 + u and is accurate to a few ulps
// given an accurate log.
#pragma once

#include "kernels_under_test/cpu/fp32_math.h"

namespace numguard::kernels::act {

inline constexpr float kSoftplusThreshold = 20.0f;

NG_HD float log1p_goldberg(float u) {
  const float v = 1.0f + u;
  if (v == 1.0f) return u;
  return fp32math::log(v) * (u / (v - 1.0f));
}

NG_HD float softplus(float t) {
  if (t > kSoftplusThreshold) return t;
  return log1p_goldberg(fp32math::exp(t));
}

}  // namespace numguard::kernels::act
