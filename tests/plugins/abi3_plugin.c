/* An ABI 3 plugin (tests/cli_plugin_abi3_test.sh): an fp32 dot product as a chain of fused
 * blocks of 4 products and C (each product exact, aligned at the block's largest term's
 * exponent, truncated 24 fraction bits below it, summed, the sum truncated to 13 fraction bits:
 * what fp8 mma does on Ada and Hopper), declared twice: with recipe3.out_frac_bits = 13, and
 * without it, where numguard's bit-accurate model of the declared recipe keeps 24 bits and the
 * kernel must fail. */
#include <limits.h>
#include <math.h>
#include <numguard/plugin.h>

#include "fp32_bits.h"

/* IEEE's result where a product or c is NaN or infinite (NaN: 1, +inf: 2, -inf: 3), else 0. */
static int special(const float* a, const float* b, int n, double c) {
  int nan = isnan(c), pos = c == INFINITY, neg = c == -INFINITY;
  for (int i = 0; i < n; ++i) {
    if (isnan(a[i]) || isnan(b[i]))
      nan = 1;
    else if (isinf(a[i]) || isinf(b[i])) {
      if (a[i] == 0 || b[i] == 0)
        nan = 1;
      else if (signbit(a[i]) != signbit(b[i]))
        neg = 1;
      else
        pos = 1;
    }
  }
  return nan || (pos && neg) ? 1 : pos ? 2 : neg ? 3 : 0;
}

/* One block: c + sum a_i b_i, F = 24, the result kept to 13 fraction bits (RZ, fp32's grid
 * below 2^-126), +0 for a zero result. */
static double fused_block(const float* a, const float* b, int n, double c) {
  double t[5];
  t[0] = c;
  for (int i = 0; i < n; ++i) t[i + 1] = (double)a[i] * (double)b[i]; /* exact */
  int emax = INT_MIN;
  for (int i = 0; i <= n; ++i)
    if (t[i] != 0 && ilogb(t[i]) > emax) emax = ilogb(t[i]);
  if (emax == INT_MIN) return 0.0;
  int64_t sum = 0;
  for (int i = 0; i <= n; ++i) sum += (int64_t)trunc(ldexp(t[i], 24 - emax));
  if (sum == 0) return 0.0;
  const int negative = sum < 0;
  uint64_t mag = negative ? (uint64_t)0 - (uint64_t)sum : (uint64_t)sum;
  const int scale = emax - 24;
  int lead = 0;
  while ((mag >> lead) > 1) ++lead;
  const int keep_from = (scale + lead > -126 ? scale + lead : -126) - 13;
  const int drop = keep_from - scale;
  if (drop >= 64) return 0.0;
  if (drop > 0) mag = (mag >> drop) << drop;
  if (mag == 0) return 0.0;
  const double v = ldexp((double)mag, scale); /* at most 14 significant bits: exact */
  if (ilogb(v) > 127) return negative ? -INFINITY : INFINITY;
  return negative ? -v : v;
}

static int dot_blocks13(const numguard_problem* p, uint64_t* out, int64_t out_count) {
  if (out_count != 1 || p->a.count != p->k || p->b.count != p->k) return 1;
  double d = 0;
  for (int64_t lo = 0; lo < p->k; lo += 4) {
    float a[4], b[4];
    const int n = p->k - lo < 4 ? (int)(p->k - lo) : 4;
    for (int i = 0; i < n; ++i) {
      a[i] = as_float(p->a.bits[lo + i]);
      b[i] = as_float(p->b.bits[lo + i]);
    }
    const int s = special(a, b, n, d);
    d = s == 1 ? NAN : s == 2 ? INFINITY : s == 3 ? -INFINITY : fused_block(a, b, n, d);
  }
  out[0] = isnan(d) ? 0x7fffffffu : as_bits((float)d); /* CUDA's canonical NaN */
  return 0;
}

#define FUSED4 \
  { .in = "fp32", .order = "fused_block", .block = 4, .frac_bits = 24, .acc_rounding = "rz" }

static const numguard_kernel3 kKernels[] = {
    {.name = "dot.fp32.fp32acc.abi3_out13",
     .op = "dot",
     .recipe = FUSED4,
     .run = dot_blocks13,
     .recipe3 = {.out_frac_bits = 13}},
    {.name = "dot.fp32.fp32acc.abi3_undeclared",
     .op = "dot",
     .recipe = FUSED4,
     .run = dot_blocks13},
};

NUMGUARD_DEFINE_PLUGIN3(kKernels)
