/* fp32 bit patterns to floats and back, for the test plugins (which link nothing but libc). */
#ifndef NUMGUARD_TEST_FP32_BITS_H
#define NUMGUARD_TEST_FP32_BITS_H

#include <stdint.h>
#include <string.h>

static inline float as_float(uint64_t bits) {
  const uint32_t b = (uint32_t)bits;
  float f;
  memcpy(&f, &b, sizeof f);
  return f;
}

static inline uint64_t as_bits(float f) {
  uint32_t b;
  memcpy(&b, &f, sizeof b);
  return b;
}

/* out[i] = sum_j a[i, j] over the m rows of a (m x k), in fp32, j in order: the plugins' correct
 * sequential sum. Returns 1 when the buffers do not match the shape. */
static inline int fp32_row_sums(int64_t m, int64_t k, const uint64_t* a, int64_t a_count,
                                uint64_t* out, int64_t out_count) {
  if (out_count != m || a_count != m * k) return 1;
  for (int64_t i = 0; i < m; ++i) {
    float s = 0.0f;
    for (int64_t j = 0; j < k; ++j) s += as_float(a[i * k + j]);
    out[i] = as_bits(s);
  }
  return 0;
}

#endif
