/* What the example's GEMM kernels share (gemm_splitk_kernels.c, gemm_tf32_kernels.c): the
 * shape check and the BLAS epilogue in fp32.
 *
 * Layout (`numguard ops --op gemm`): a is m x k and b is k x n in the recipe's input format, c
 * is m x n in the output format, the output m x n; all row-major, one bit pattern per
 * uint64_t. BLAS semantics (the recipe's default alpha_beta = "blas"): alpha = 0 means a and b
 * are not read (the product term is dropped, even if they hold inf or NaN), beta = 0 means c
 * is not read (it may be absent, count 0). */
#ifndef EXAMPLE_GEMM_EPILOGUE_H
#define EXAMPLE_GEMM_EPILOGUE_H

#include <numguard/formats.h>
#include <numguard/plugin.h>

/* 1 when the operands the kernel reads have the sizes m, n and k give and the output holds
 * m x n elements; 0 otherwise (the kernel then reports an error). */
static int gemm_shapes_ok(const numguard_problem* p, int64_t out_count) {
  if (p->m < 0 || p->n < 0 || p->k < 0 || out_count != p->m * p->n) return 0;
  if (p->alpha != 0 && (p->a.count != p->m * p->k || p->b.count != p->k * p->n)) return 0;
  if (p->beta != 0 && p->c.count != p->m * p->n) return 0;
  return 1;
}

/* y = alpha * acc + beta * c in fp32, the epilogue numguard's gemm bound assumes: alpha and
 * beta rounded to fp32 (BLAS passes them in the compute type), then alpha * acc, beta * c and
 * their sum each rounded once in fp32 (three roundings, no FMA); a term whose scalar is 0 is
 * dropped, and alpha = 1, beta = 0 (the default) is no operation at all: y = acc. `acc` is
 * unused when alpha = 0, c is read only when beta != 0. Returns the fp32 bit pattern (the
 * output format is fp32). */
static uint64_t gemm_epilogue_fp32(const numguard_problem* p, int64_t i, int64_t j, float acc) {
  float y = acc;
  if (!(p->alpha == 1 && p->beta == 0)) {
    const float alpha = (float)p->alpha, beta = (float)p->beta;
    float ab = 0.0f, bc = 0.0f;
    if (p->alpha != 0) ab = alpha * acc;
    if (p->beta != 0)
      bc = beta * (float)numguard_format_decode(NUMGUARD_FORMAT_FP32, p->c.bits[i * p->n + j]);
    if (p->alpha != 0 && p->beta != 0)
      y = ab + bc;
    else
      y = p->alpha != 0 ? ab : bc; /* both 0: y = +0 */
  }
  return numguard_format_round(NUMGUARD_FORMAT_FP32, y);
}

#endif /* EXAMPLE_GEMM_EPILOGUE_H */
