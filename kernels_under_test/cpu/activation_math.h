// The per-element formulas of the activation kernels (fp32 arithmetic, left to right as
// written), shared by the CPU kernels and the CUDA kernels (NG_HD from fp32_math.h), so both
// compute the same bits. t = x + bias is formed by the caller; the backward functions return
// f'(t), which the caller multiplies by dy (dy * f'(t)). Bounds: harness/engine/ops/
// activation_bound.cpp follows these lines operation by operation.
#pragma once

#include "kernels_under_test/cpu/fp32_math.h"

namespace numguard::kernels::act {

// y = (0.5 t) erfc(-t / sqrt 2).
NG_HD float gelu(float t) {
  return (0.5f * t) * fp32math::erfc(-t * 0.70710678118654752f);
}

// z = sqrt(2/pi) (t + 0.044715 t^3); y = t sigmoid(2z) = t / (1 + exp(-2z)).
NG_HD float gelu_tanh(float t) {
  const float z = 0.79788456080286536f * (t + 0.044715f * ((t * t) * t));
  return t / (1.0f + fp32math::exp(-2.0f * z));
}

NG_HD float silu(float t) {
  return t / (1.0f + fp32math::exp(-t));
}

// gelu'(t) = Phi(t) + t phi(t), Phi = erfc(-t / sqrt 2) / 2, phi = exp(-t^2 / 2) / sqrt(2 pi):
// no cancellation except at the zero of gelu' (t ~ -0.75), where both terms are O(1).
NG_HD float gelu_grad(float t) {
  const float big_phi = 0.5f * fp32math::erfc(-t * 0.70710678118654752f);
  const float phi = fp32math::exp(-0.5f * (t * t)) * 0.39894228040143268f;
  return big_phi + t * phi;
}

// silu'(t) = s (1 + t (1 - s)), s = sigmoid(t). Finite for every finite t: s = 0 gives
// 0 * (1 + t) and s = 1 gives t * 0.
NG_HD float silu_grad(float t) {
  const float s = 1.0f / (1.0f + fp32math::exp(-t));
  return s * (1.0f + t * (1.0f - s));
}

// gelu_tanh'(t) = s (1 + 2 t z'(t) (1 - s)), s = sigmoid(2z), z' = sqrt(2/pi) (1 + 0.134145 t^2)
// (the sigmoid form of the tanh derivative). The product term is skipped when s is 0 or 1:
// there it is 0 * inf for |t| beyond fp32's t^2 overflow, and its exact value is negligible.
NG_HD float gelu_tanh_grad(float t) {
  const float t2 = t * t;
  const float z = 0.79788456080286536f * (t + 0.044715f * (t2 * t));
  const float s = 1.0f / (1.0f + fp32math::exp(-2.0f * z));
  const float dz = 0.79788456080286536f * (1.0f + 0.134145f * t2);
  const float om = 1.0f - s;
  const float w = (om == 0.0f || s == 0.0f) ? 0.0f : (t * (2.0f * dz)) * om;
  return s * (1.0f + w);
}

}  // namespace numguard::kernels::act
