/* Two squared-L2-norm kernels (op sumsq: sum of a_i^2 over each row of a, the reduction of
 * gradient-norm clipping and RMSNorm) in one numguard plugin, as a team would write them
 * before rollout. Both are hand-unrolled four ways: four independent fp32 accumulators, lane l
 * taking elements l, l+4, l+8, ..., each step a fused multiply-add, then the four partials
 * summed as a butterfly, (v0 + v2) + (v1 + v3). That is numguard's "strided" order with 4
 * lanes, and both declare it.
 *
 * The first handles the k % 4 leftover elements. The second has the classic bug of
 * hand-vectorized reductions: its loop runs over whole groups of four only and the remainder
 * loop was forgotten, so up to three elements are silently dropped whenever k is not a multiple
 * of 4 (from k = 1 on, where it returns 0).
 *
 * Layout (numguard/plugin.h): a is m x k, row-major, one bit pattern per uint64_t; the output is
 * m values. Bits are decoded and encoded with numguard/formats.h, whose same two calls read
 * and write fp16, bf16, tf32 or fp8 elements. */
#include <math.h>
#include <numguard/formats.h>
#include <numguard/plugin.h>

enum { kLanes = 4 };

static float input(const numguard_problem* p, int64_t row, int64_t i) {
  return (float)numguard_format_decode(NUMGUARD_FORMAT_FP32, p->a.bits[row * p->k + i]);
}

/* Lane sums to the result: offsets 2 then 1 of a 4-lane butterfly. */
static uint64_t butterfly(const float v[kLanes]) {
  return numguard_format_round(NUMGUARD_FORMAT_FP32, (v[0] + v[2]) + (v[1] + v[3]));
}

static int sumsq_unrolled(const numguard_problem* p, uint64_t* out, int64_t out_count,
                          int with_tail) {
  if (p->m < 0 || p->k < 0 || p->a.count != p->m * p->k || out_count != p->m) return 1;
  for (int64_t row = 0; row < p->m; ++row) {
    float v[kLanes] = {0.0f, 0.0f, 0.0f, 0.0f};
    int64_t i = 0;
    for (; i + kLanes <= p->k; i += kLanes)
      for (int l = 0; l < kLanes; ++l) {
        const float x = input(p, row, i + l);
        v[l] = fmaf(x, x, v[l]);
      }
    if (with_tail)
      for (; i < p->k; ++i) {
        const float x = input(p, row, i);
        v[i % kLanes] = fmaf(x, x, v[i % kLanes]);
      }
    out[row] = butterfly(v);
  }
  return 0;
}

static int sumsq_unroll4(const numguard_problem* p, uint64_t* out, int64_t out_count) {
  return sumsq_unrolled(p, out, out_count, 1);
}

/* Bug: no remainder loop; the last k % 4 elements never reach an accumulator. */
static int sumsq_unroll4_no_tail(const numguard_problem* p, uint64_t* out, int64_t out_count) {
  return sumsq_unrolled(p, out, out_count, 0);
}

/* Designated initializers: fields that later ABI versions add at the end stay zero. */
static const numguard_kernel2 kKernels[] = {
    {.name = "sumsq.fp32.fp32acc.unroll4",
     .op = "sumsq",
     .recipe = {.in = "fp32", .acc = "fp32", .out = "fp32", .order = "strided", .lanes = kLanes},
     .run = sumsq_unroll4},
    {.name = "sumsq.fp32.fp32acc.unroll4_no_tail",
     .op = "sumsq",
     .recipe = {.in = "fp32", .acc = "fp32", .out = "fp32", .order = "strided", .lanes = kLanes},
     .run = sumsq_unroll4_no_tail},
};

NUMGUARD_DEFINE_PLUGIN(kKernels)
