/* Kernels with planted numerical bugs that no in-tree mutant has, each a mechanism explain's
 * catalogue should name from the outside (tests/cli_explain_test.sh): the plugin declares the
 * correct recipe, computes otherwise, and the test expects the named tag. Written as a vendor
 * or in-house kernel would be: plain C on the host, libm's expf and erff. */
#include <math.h>
#include <numguard/plugin.h>
#include <string.h>
#include "fp32_bits.h"

static float bf16_float(uint64_t b) {
  return as_float((b & 0xffff) << 16);
}
/* fp32 -> bf16, round to nearest even (NaN kept quiet). */
static uint64_t bf16_bits(float f) {
  uint32_t u = (uint32_t)as_bits(f);
  if ((u & 0x7fffffff) > 0x7f800000) return (u >> 16) | 0x40;
  u += 0x7fff + ((u >> 16) & 1);
  return u >> 16;
}
static float bf16_round(float f) {
  return bf16_float(bf16_bits(f));
}
/* fp32 -> tf32 (10 fraction bits), round to nearest even. */
static float tf32_round(float f) {
  uint32_t u = (uint32_t)as_bits(f);
  if ((u & 0x7fffffff) >= 0x7f800000) return f;
  u += 0xfff + ((u >> 13) & 1);
  return as_float(u & 0xffffe000u);
}
static float flush(float f) {
  return fabsf(f) < 1.17549435e-38f ? copysignf(0.0f, f) : f;
}

/* bf16 gemm, fp32 accumulation by FMA in k order, alpha = 1 and beta = 0 only. */
typedef float (*operand_fn)(float);
static float same(float f) {
  return f;
}
static int gemm_bf16(const numguard_problem* p, uint64_t* out, operand_fn read, int ftz_products) {
  if (p->alpha != 1.0 || p->beta != 0.0) return NUMGUARD_UNSUPPORTED;
  for (int64_t i = 0; i < p->m; ++i)
    for (int64_t j = 0; j < p->n; ++j) {
      float acc = -0.0f;
      for (int64_t l = 0; l < p->k; ++l) {
        const float a = read(bf16_float(p->a.bits[i * p->k + l]));
        const float b = read(bf16_float(p->b.bits[l * p->n + j]));
        if (ftz_products && fabs((double)a * b) < 1.17549435e-38) continue; /* the bug */
        acc = fmaf(a, b, acc);
      }
      out[i * p->n + j] = as_bits(acc);
    }
  return 0;
}
/* Subnormal bf16 inputs read as zero (DAZ), as a vendor matmul on some paths does. */
static int gemm_daz(const numguard_problem* p, uint64_t* out, int64_t n) {
  (void)n;
  return gemm_bf16(p, out, flush, 0);
}
/* Products below fp32's smallest normal dropped (FTZ of the products). */
static int gemm_ftz_products(const numguard_problem* p, uint64_t* out, int64_t n) {
  (void)n;
  return gemm_bf16(p, out, same, 1);
}

/* Pairwise (recursive halving) sum of the products a[i][l] b[l][j], l in [lo, lo + n). */
static float pairwise(const numguard_problem* p, int64_t i, int64_t j, int64_t lo, int64_t n) {
  if (n == 1)
    return flush(bf16_float(p->a.bits[i * p->k + lo])) *
           flush(bf16_float(p->b.bits[lo * p->n + j]));
  const int64_t h = n / 2;
  return pairwise(p, i, j, lo, h) + pairwise(p, i, j, lo + h, n - h);
}
/* A vendor-style bf16 gemm that declares an undocumented order ("any"), sums pairwise and reads
 * subnormal inputs as zero: explain has to find the structure before the mechanism. */
static int gemm_pairwise_daz(const numguard_problem* p, uint64_t* out, int64_t n) {
  (void)n;
  if (p->alpha != 1.0 || p->beta != 0.0) return NUMGUARD_UNSUPPORTED;
  for (int64_t i = 0; i < p->m; ++i)
    for (int64_t j = 0; j < p->n; ++j)
      out[i * p->n + j] = as_bits(p->k == 0 ? 0.0f : pairwise(p, i, j, 0, p->k));
  return 0;
}

/* bf16 gemm with 16-row tiles and no predicated residue: rows past the last full tile are
 * never written (seen only at shapes with an M tail: explain --shape). */
static int gemm_m_tail(const numguard_problem* p, uint64_t* out, int64_t n) {
  (void)n;
  if (p->alpha != 1.0 || p->beta != 0.0) return NUMGUARD_UNSUPPORTED;
  for (int64_t i = 0; i < p->m / 16 * 16; ++i) /* the bug */
    for (int64_t j = 0; j < p->n; ++j) {
      float acc = -0.0f;
      for (int64_t l = 0; l < p->k; ++l)
        acc = fmaf(bf16_float(p->a.bits[i * p->k + l]), bf16_float(p->b.bits[l * p->n + j]), acc);
      out[i * p->n + j] = as_bits(acc);
    }
  return 0;
}

/* fp32 gemm whose inputs are silently rounded to tf32 (a "TF32 mode" left on). */
static int gemm_tf32_mode(const numguard_problem* p, uint64_t* out, int64_t n) {
  (void)n;
  if (p->alpha != 1.0 || p->beta != 0.0) return NUMGUARD_UNSUPPORTED;
  for (int64_t i = 0; i < p->m; ++i)
    for (int64_t j = 0; j < p->n; ++j) {
      float acc = -0.0f;
      for (int64_t l = 0; l < p->k; ++l)
        acc = fmaf(tf32_round(as_float(p->a.bits[i * p->k + l])),
                   tf32_round(as_float(p->b.bits[l * p->n + j])), acc);
      out[i * p->n + j] = as_bits(acc);
    }
  return 0;
}

/* bf16 softmax whose exponentials are rounded to bf16 before the sum and the division. */
static int softmax_bf16_exp(const numguard_problem* p, uint64_t* out, int64_t n) {
  (void)n;
  for (int64_t r = 0; r < p->m; ++r) {
    const uint64_t* x = p->a.bits + r * p->n;
    float mx = -INFINITY, sum = 0.0f;
    for (int64_t j = 0; j < p->n; ++j) mx = fmaxf(mx, bf16_float(x[j]));
    for (int64_t j = 0; j < p->n; ++j) sum += bf16_round(expf(bf16_float(x[j]) - mx));
    for (int64_t j = 0; j < p->n; ++j)
      out[r * p->n + j] = bf16_bits(bf16_round(expf(bf16_float(x[j]) - mx)) / sum);
  }
  return 0;
}

/* bf16 softmax that writes exp(x - max) to a bf16 buffer and divides it by the sum of the
 * unrounded exponentials (reduced in registers). */
static int softmax_bf16_numerator(const numguard_problem* p, uint64_t* out, int64_t n) {
  (void)n;
  for (int64_t r = 0; r < p->m; ++r) {
    const uint64_t* x = p->a.bits + r * p->n;
    float mx = -INFINITY, sum = 0.0f;
    for (int64_t j = 0; j < p->n; ++j) mx = fmaxf(mx, bf16_float(x[j]));
    for (int64_t j = 0; j < p->n; ++j) sum += expf(bf16_float(x[j]) - mx);
    for (int64_t j = 0; j < p->n; ++j)
      out[r * p->n + j] = bf16_bits(bf16_round(expf(bf16_float(x[j]) - mx)) / sum);
  }
  return 0;
}

/* fp32 GELU as 0.5 x (1 + erf(x / sqrt 2)): cancels for negative x. */
static int gelu_one_plus_erf(const numguard_problem* p, uint64_t* out, int64_t n) {
  (void)n;
  for (int64_t i = 0; i < p->m * p->n; ++i) {
    float t = as_float(p->a.bits[i]);
    if (p->b.count) t += as_float(p->b.bits[i % p->n]);
    out[i] = as_bits(0.5f * t * (1.0f + erff(t * 0.70710678f)));
  }
  return 0;
}

/* fp32 layernorm with eps added outside the square root: rstd = 1 / (sqrt(var) + eps). */
static int layernorm_eps_outside(const numguard_problem* p, uint64_t* out, int64_t n) {
  (void)n;
  const float eps = (float)p->scalars[0];
  for (int64_t r = 0; r < p->m; ++r) {
    const uint64_t* x = p->a.bits + r * p->n;
    float mean = 0.0f, var = 0.0f;
    for (int64_t j = 0; j < p->n; ++j) mean += as_float(x[j]);
    mean /= (float)p->n;
    for (int64_t j = 0; j < p->n; ++j) {
      const float d = as_float(x[j]) - mean;
      var += d * d;
    }
    var /= (float)p->n;
    const float rstd = 1.0f / (sqrtf(var) + eps); /* the bug */
    for (int64_t j = 0; j < p->n; ++j)
      out[r * p->n + j] =
          as_bits((as_float(x[j]) - mean) * rstd * as_float(p->b.bits[j]) + as_float(p->c.bits[j]));
  }
  return 0;
}

/* fp32 sum in K tiles of 16 whose residue tile is added twice (loaded again after the loop). */
static int sum_tail_twice(const numguard_problem* p, uint64_t* out, int64_t n) {
  (void)n;
  for (int64_t r = 0; r < p->m; ++r) {
    const uint64_t* x = p->a.bits + r * p->k;
    float s = 0.0f;
    for (int64_t i = 0; i < p->k; ++i) s += as_float(x[i]);
    for (int64_t i = p->k / 16 * 16; i < p->k; ++i) s += as_float(x[i]); /* the bug */
    out[r] = as_bits(s);
  }
  return 0;
}

/* fp16 -> float, exactly. */
static float half_float(uint64_t h) {
  const int e = (int)((h >> 10) & 0x1f), f = (int)(h & 0x3ff);
  const float v = e == 0    ? ldexpf((float)f, -24)
                  : e == 31 ? (f ? NAN : INFINITY)
                            : ldexpf((float)(f | 0x400), e - 25);
  return (h & 0x8000) ? -v : v;
}
/* x rounded to nearest even at 20 fraction bits with fp32's exponent range: one rounding of
 * an exact sum, as a narrower hardware accumulator does. */
static double keep20(double x) {
  if (x == 0 || !isfinite(x)) return x;
  int e;
  frexp(x, &e); /* |x| in [2^(e-1), 2^e) */
  const double q = ldexp(1.0, (e - 1 > -126 ? e - 1 : -126) - 20);
  return nearbyint(x / q) * q;
}
/* fp16 dot product accumulated in an fp32-range accumulator of 20 fraction bits (a product of
 * two fp16 values and a 21-bit accumulator add exactly in double). */
static int dot_acc20(const numguard_problem* p, uint64_t* out, int64_t n) {
  (void)n;
  double acc = 0.0;
  for (int64_t i = 0; i < p->k; ++i)
    acc = keep20(acc + (double)half_float(p->a.bits[i]) * half_float(p->b.bits[i]));
  out[0] = as_bits((float)acc);
  return 0;
}

static const numguard_kernel2 kernels[] = {
    {.name = "planted.gemm.bf16.daz",
     .op = "gemm",
     .run = gemm_daz,
     .recipe = {.in = "bf16", .acc = "fp32", .out = "fp32", .order = "sequential"}},
    {.name = "planted.gemm.bf16.ftz_products",
     .op = "gemm",
     .run = gemm_ftz_products,
     .recipe = {.in = "bf16", .acc = "fp32", .out = "fp32", .order = "sequential"}},
    {.name = "planted.gemm.bf16.any_order_daz",
     .op = "gemm",
     .run = gemm_pairwise_daz,
     .recipe = {.in = "bf16", .acc = "fp32", .out = "fp32", .order = "any"}},
    {.name = "planted.sum.fp32.tail_twice",
     .op = "sum",
     .run = sum_tail_twice,
     .recipe = {.in = "fp32", .acc = "fp32", .out = "fp32", .order = "sequential"}},
    {.name = "planted.dot.fp16.acc20",
     .op = "dot",
     .run = dot_acc20,
     .recipe = {.in = "fp16", .acc = "fp32", .out = "fp32", .order = "sequential"}},
    {.name = "planted.gemm.bf16.m_tail",
     .op = "gemm",
     .run = gemm_m_tail,
     .recipe = {.in = "bf16", .acc = "fp32", .out = "fp32", .order = "sequential"}},
    {.name = "planted.gemm.fp32.tf32_mode",
     .op = "gemm",
     .run = gemm_tf32_mode,
     .recipe = {.in = "fp32", .acc = "fp32", .out = "fp32", .order = "sequential"}},
    {.name = "planted.softmax.bf16.exp_in_bf16",
     .op = "softmax",
     .run = softmax_bf16_exp,
     .recipe =
         {.in = "bf16", .acc = "fp32", .out = "bf16", .method = "two_pass", .math_ulps = 2.5}},
    {.name = "planted.softmax.bf16.exp_numerator_in_bf16",
     .op = "softmax",
     .run = softmax_bf16_numerator,
     .recipe =
         {.in = "bf16", .acc = "fp32", .out = "bf16", .method = "two_pass", .math_ulps = 2.5}},
    {.name = "planted.gelu.fp32.one_plus_erf",
     .op = "gelu",
     .run = gelu_one_plus_erf,
     .recipe = {.in = "fp32", .acc = "fp32", .out = "fp32", .math_ulps = 4}},
    {.name = "planted.layernorm.fp32.eps_outside_sqrt",
     .op = "layernorm",
     .run = layernorm_eps_outside,
     .recipe = {.in = "fp32", .acc = "fp32", .out = "fp32", .method = "two_pass"}},
};
NUMGUARD_DEFINE_PLUGIN(kernels)
