/* Two split-K GEMM kernels (op gemm, D = alpha A B + beta C) in one numguard plugin: fp16
 * inputs, fp32 accumulation, fp32 output. Split-K is how a GEMM with few output tiles and a
 * long K keeps a GPU busy: K is cut into S = 4 chunks, each chunk's dot products run as
 * independent work (here one after the other), every chunk writes its partial sums to a
 * workspace, and a second pass reduces the workspace.
 *
 * numguard's definition (its recipe's order "split_k", kernels_under_test/cpu/split_k.h),
 * which both kernels follow: K is cut into chunks of ceil(K/S) consecutive terms (the last
 * holds the remainder; a chunk that would start at or past K is empty and skipped, so K = 5
 * gives chunks of 2, 2 and 1 terms); each chunk is summed sequentially with fused
 * multiply-adds in fp32 starting from 0; its partial is stored in the workspace format; the
 * partials are summed in chunk order in fp32, ((p0 + p1) + p2) + p3. The epilogue
 * (gemm_epilogue.h) then applies alpha and beta in fp32.
 *
 * The first kernel keeps an fp32 workspace and declares it: split_k(4, fp32). The second has
 * a bug of workspace-saving split-K: the workspace was typed like the output of a half GEMM,
 * so every partial is rounded to fp16 (11 significant bits) before the reduction and
 * overflows to inf past 65504, while the recipe still says fp32 partials. */
#include <math.h>
#include <numguard/formats.h>
#include <numguard/plugin.h>

#include "gemm_epilogue.h"

enum { kSplits = 4 };

static float in16(uint64_t bits) {
  return (float)numguard_format_decode(NUMGUARD_FORMAT_FP16, bits);
}

/* The workspace store of one partial: exact in fp32, rounded to nearest even in fp16. */
static float store_partial(float partial, int fp16_workspace) {
  if (!fp16_workspace) return partial;
  return (float)numguard_format_decode(NUMGUARD_FORMAT_FP16,
                                       numguard_format_round(NUMGUARD_FORMAT_FP16, partial));
}

/* sum_l a[i, l] b[l, j] by split-K. */
static float split_k_dot(const numguard_problem* p, int64_t i, int64_t j, int fp16_workspace) {
  const int64_t k = p->k, chunk = (k + kSplits - 1) / kSplits;
  float total = 0.0f;
  for (int64_t lo = 0; lo < k; lo += chunk) { /* at most kSplits chunks */
    const int64_t hi = lo + chunk < k ? lo + chunk : k;
    float partial = 0.0f;
    for (int64_t l = lo; l < hi; ++l)
      partial = fmaf(in16(p->a.bits[i * k + l]), in16(p->b.bits[l * p->n + j]), partial);
    partial = store_partial(partial, fp16_workspace);
    total = lo == 0 ? partial : total + partial;
  }
  return total;
}

static int gemm_split_k(const numguard_problem* p, uint64_t* out, int64_t out_count,
                        int fp16_workspace) {
  if (!gemm_shapes_ok(p, out_count)) return 1;
  for (int64_t i = 0; i < p->m; ++i)
    for (int64_t j = 0; j < p->n; ++j) {
      const float acc = p->alpha != 0 ? split_k_dot(p, i, j, fp16_workspace) : 0.0f;
      out[i * p->n + j] = gemm_epilogue_fp32(p, i, j, acc);
    }
  return 0;
}

static int gemm_splitk4_fp32_partials(const numguard_problem* p, uint64_t* out, int64_t out_count) {
  return gemm_split_k(p, out, out_count, 0);
}

/* Bug: the partials go through an fp16 workspace; the recipe says fp32. */
static int gemm_splitk4_fp16_partials(const numguard_problem* p, uint64_t* out, int64_t out_count) {
  return gemm_split_k(p, out, out_count, 1);
}

/* Both declare the same recipe: what the first one does. (gemm.fp16.fp32acc.splitk4 is taken:
 * numguard has a built-in kernel of that name, and names are unique among all kernels.) */
#define SPLIT_K_RECIPE                                                                 \
  {                                                                                    \
    .in = "fp16", .acc = "fp32", .out = "fp32", .order = "split_k", .splits = kSplits, \
    .partial = "fp32"                                                                  \
  }

static const numguard_kernel2 kKernels[] = {
    {.name = "gemm.fp16.fp32acc.splitk4_fp32_partials",
     .op = "gemm",
     .recipe = SPLIT_K_RECIPE,
     .run = gemm_splitk4_fp32_partials},
    {.name = "gemm.fp16.fp32acc.splitk4_fp16_partials",
     .op = "gemm",
     .recipe = SPLIT_K_RECIPE,
     .run = gemm_splitk4_fp16_partials},
};

NUMGUARD_DEFINE_PLUGIN(kKernels)
