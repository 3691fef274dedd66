/* Two "fp32" GEMM kernels (op gemm, D = alpha A B + beta C) that run on TF32, as fp32 GEMMs do
 * on tensor cores once TF32 is allowed: each fp32 input is first converted to tf32 (fp32's
 * 8 exponent bits, 10 fraction bits instead of 23, in an fp32 container whose low 13 bits are
 * zero), the products of tf32 values (at most 22 significant bits) are exact in fp32, and
 * they are accumulated sequentially in fp32 with fused multiply-adds. The epilogue
 * (gemm_epilogue.h) applies alpha and beta in fp32 to the accumulator; C is not converted.
 *
 * The first converts with round to nearest, ties away from zero (PTX cvt.rna.tf32.f32) and
 * declares it: input_cast = tf32,
 * input_cast_rounding = rna. numguard's bound then counts one half-ulp rounding of tf32
 * (2^-11) on each operand of every product, and its reference stays the exact product of the
 * fp32 inputs.
 *
 * The second has the bug of a kernel that converts by masking off the low 13 bits
 * (bits & 0xFFFFE000): the conversion truncates, rounding toward zero and losing up to a whole
 * tf32 ulp (2^-10 relative) per operand, always in the same direction, while the recipe still
 * says rna. */
#include <math.h>
#include <numguard/formats.h>
#include <numguard/plugin.h>
#include <stddef.h>

#include "gemm_epilogue.h"

/* The fp32 input `bits` converted to tf32 in `mode`, as a float (tf32 values are fp32 values). */
static float to_tf32(uint64_t bits, int mode) {
  const double x = numguard_format_decode(NUMGUARD_FORMAT_FP32, bits);
  return (float)numguard_format_decode(
      NUMGUARD_FORMAT_TF32, numguard_format_round_mode(NUMGUARD_FORMAT_TF32, x, mode, 0, NULL));
}

static int gemm_tf32(const numguard_problem* p, uint64_t* out, int64_t out_count, int mode) {
  if (!gemm_shapes_ok(p, out_count)) return 1;
  for (int64_t i = 0; i < p->m; ++i)
    for (int64_t j = 0; j < p->n; ++j) {
      float acc = 0.0f;
      if (p->alpha != 0)
        for (int64_t l = 0; l < p->k; ++l)
          acc = fmaf(to_tf32(p->a.bits[i * p->k + l], mode), to_tf32(p->b.bits[l * p->n + j], mode),
                     acc);
      out[i * p->n + j] = gemm_epilogue_fp32(p, i, j, acc);
    }
  return 0;
}

static int gemm_tf32_rna(const numguard_problem* p, uint64_t* out, int64_t out_count) {
  return gemm_tf32(p, out, out_count, NUMGUARD_RNA);
}

/* Bug: the conversion truncates (RZ); the recipe says rna. */
static int gemm_tf32_truncated(const numguard_problem* p, uint64_t* out, int64_t out_count) {
  return gemm_tf32(p, out, out_count, NUMGUARD_RZ);
}

/* Both declare the same recipe: what the first one does. */
#define TF32_RECIPE                                                                          \
  {                                                                                          \
    .in = "fp32", .acc = "fp32", .out = "fp32", .order = "sequential", .input_cast = "tf32", \
    .input_cast_rounding = "rna"                                                             \
  }

static const numguard_kernel2 kKernels[] = {
    {.name = "gemm.fp32.fp32acc.tf32_rna",
     .op = "gemm",
     .recipe = TF32_RECIPE,
     .run = gemm_tf32_rna},
    {.name = "gemm.fp32.fp32acc.tf32_truncated",
     .op = "gemm",
     .recipe = TF32_RECIPE,
     .run = gemm_tf32_truncated},
};

NUMGUARD_DEFINE_PLUGIN(kKernels)
