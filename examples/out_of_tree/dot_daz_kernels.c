/* Two fp16 dot products (op dot, sum_l x[l] y[l]) with fp32 accumulation in one numguard
 * plugin, both reading subnormal inputs as zero ("denormals are zero", DAZ), as hardware and
 * libraries running with flush-to-zero modes do: an fp16 subnormal (magnitude below 2^-14) is
 * replaced by a zero of its sign before it is multiplied. The products are then summed
 * sequentially with fused multiply-adds in fp32 (an fp16 x fp16 product is exact in fp32).
 *
 * The first declares it: daz = 1. numguard's reference and bound then read the subnormal
 * inputs as zero too, so the kernel is judged on the inputs it actually read. The second does
 * exactly the same but does not declare it: numguard's reference keeps the subnormals, and
 * wherever they carry the sum (70% subnormal inputs: the subnormal_heavy generator) the
 * kernel's result is off by the products it dropped, far beyond fp32 accumulation's bound.
 *
 * Layout (`numguard ops --op dot`): m = n = 1, a is x (k elements), b is y (k elements), both
 * fp16 bit patterns; the output is one fp32 value. */
#include <math.h>
#include <numguard/formats.h>
#include <numguard/plugin.h>
#include <stddef.h>

/* The fp16 input `bits` as fp32, subnormals read as zero of the same sign (exact otherwise). */
static float in16_daz(uint64_t bits) {
  return (float)numguard_format_decode(
      NUMGUARD_FORMAT_FP32,
      numguard_format_convert(NUMGUARD_FORMAT_FP16, bits, NUMGUARD_FORMAT_FP32, NUMGUARD_RNE,
                              NUMGUARD_ROUND_DAZ, NULL));
}

static int dot_fp16_daz(const numguard_problem* p, uint64_t* out, int64_t out_count) {
  if (p->m != 1 || p->n != 1 || p->k < 0 || p->a.count != p->k || p->b.count != p->k ||
      out_count != 1)
    return 1;
  float acc = 0.0f;
  for (int64_t l = 0; l < p->k; ++l)
    acc = fmaf(in16_daz(p->a.bits[l]), in16_daz(p->b.bits[l]), acc);
  out[0] = numguard_format_round(NUMGUARD_FORMAT_FP32, acc);
  return 0;
}

static const numguard_kernel2 kKernels[] = {
    {.name = "dot.fp16.fp32acc.daz",
     .op = "dot",
     .recipe = {.in = "fp16", .acc = "fp32", .out = "fp32", .order = "sequential", .daz = 1},
     .run = dot_fp16_daz},
    /* Bug: the same kernel, without daz in its recipe. */
    {.name = "dot.fp16.fp32acc.daz_undeclared",
     .op = "dot",
     .recipe = {.in = "fp16", .acc = "fp32", .out = "fp32", .order = "sequential"},
     .run = dot_fp16_daz},
};

NUMGUARD_DEFINE_PLUGIN(kKernels)
