// The fp32 exp, log and erfc of the row and elementwise kernels, written once for the host and
// the device: only fp32 +, -, *, / (correctly rounded on both; the CUDA kernels build with
// -fmad=false and the host with -ffp-contract=off), floorf and bit moves, so a CUDA kernel and
// its CPU twin get the same bits. libm's expf and CUDA's expf differ in the last bit, which
// would make every twin differ.
//
// Accuracy, measured against MPFR by properties/fp32_math_test.cpp over every 64th fp32 of
// each range (docs/error-models.md, "Activations"): exp and log 1.18 and 1.92 ulps, erfc
// 7.69 (1 + z^2) ulps (its exp argument -z^2 carries the rounding of z^2; worst near z = 0).
// A sampled sweep is not a proof: the declared figures keep a margin over the measured ones.
#pragma once

#include <cstdint>
#include <cstring>

#ifdef __CUDACC__
#define NG_HD __host__ __device__ __forceinline__
#else
#define NG_HD inline
#endif

namespace numguard::kernels::fp32math {

inline constexpr double kExpLogUlps = 2.5;
// erfc: the Chebyshev fit's 1.2e-7 (2 ulps near 1) plus the roundings of t, p and 2 - r.
inline constexpr double kErfcUlps = 10;

NG_HD float from_bits(uint32_t b) {
  float f;
  memcpy(&f, &b, sizeof f);
  return f;
}
NG_HD uint32_t to_bits(float f) {
  uint32_t b;
  memcpy(&b, &f, sizeof b);
  return b;
}
// 2^k for k in [-126, 127], exactly.
NG_HD float pow2(int k) {
  return from_bits(static_cast<uint32_t>(k + 127) << 23);
}
NG_HD float floor_f(float x) {
#ifdef __CUDA_ARCH__
  return floorf(x);
#else
  return __builtin_floorf(x);
#endif
}

// e^x: k = round(x / ln 2), r = x - k ln 2 in two steps (Cody and Waite; ln2_hi has 15
// significant bits, so k * ln2_hi and x - k * ln2_hi are exact), a degree-7 Taylor
// polynomial on |r| <= 0.35 (truncation below 2^-27), then two exact-or-once-rounded scalings.
NG_HD float exp(float x) {
  if (x != x) return x;
  if (x > 89.0f) return from_bits(0x7f800000u);
  if (x < -104.0f) return 0.0f;
  const float k = floor_f(x * 1.44269504f + 0.5f);
  const float r = (x - k * 6.9314575195e-01f) - k * 1.4286067653e-06f;
  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const int ki = static_cast<int>(k);
  const int k1 = ki / 2, k2 = ki - k1;
  return (p * pow2(k1)) * pow2(k2);
}

// log x for x > 0: x = m 2^e with m in [sqrt(1/2), sqrt(2)), log m = 2 atanh(f / (2 + f)),
// f = m - 1 exact (Sterbenz), series to s^9.
NG_HD float log(float x) {
  if (x != x || x < 0.0f) return from_bits(0x7fc00000u);
  if (x == 0.0f) return from_bits(0xff800000u);
  if (x == from_bits(0x7f800000u)) return x;
  int e = 0;
  if (x < 1.17549435e-38f) {  // subnormal: scale into the normal range
    x = x * 8388608.0f;
    e = -23;
  }
  const uint32_t b = to_bits(x);
  e += static_cast<int>(b >> 23) - 127;
  float m = from_bits((b & 0x007fffffu) | 0x3f800000u);
  if (m > 1.41421356f) {
    m = m * 0.5f;
    e += 1;
  }
  const float f = m - 1.0f;
  const float s = f / (2.0f + f);
  const float s2 = s * s;
  float q = 1.0f / 9.0f;
  q = q * s2 + 1.0f / 7.0f;
  q = q * s2 + 1.0f / 5.0f;
  q = q * s2 + 1.0f / 3.0f;
  const float logm = 2.0f * s + 2.0f * s * (s2 * q);
  const float ef = static_cast<float>(e);
  return ef * 6.9314575195e-01f + (ef * 1.4286067653e-06f + logm);
}

// erfc z after Numerical Recipes' erfcc (Chebyshev fit, fractional error below 1.2e-7 in
// exact arithmetic), with this file's exp.
NG_HD float erfc(float z) {
  if (z != z) return z;
  const float a = z < 0.0f ? -z : z;
  const float t = 1.0f / (1.0f + 0.5f * a);
  float p = 0.17087277f;
  p = p * t - 0.82215223f;
  p = p * t + 1.48851587f;
  p = p * t - 1.13520398f;
  p = p * t + 0.27886807f;
  p = p * t - 0.18628806f;
  p = p * t + 0.09678418f;
  p = p * t + 0.37409196f;
  p = p * t + 1.00002368f;
  p = p * t - 1.26551223f;
  const float r = a > 10.5f ? 0.0f : t * exp(p - a * a);
  return z >= 0.0f ? r : 2.0f - r;
}

NG_HD float sigmoid(float x) {
  return 1.0f / (1.0f + exp(-x));
}

}  // namespace numguard::kernels::fp32math
