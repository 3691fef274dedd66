/* Kernels that refuse cases by design (NUMGUARD_UNSUPPORTED), for
 * tests/cli_plugin_unsupported_test.sh: a correct fp32 sequential sum that does not handle
 * K = 0, which passes (its refusals are counted, not failures), and one that refuses every
 * case, which fails (more than its max_unsupported fraction). */
#include <numguard/plugin.h>
#include "fp32_bits.h"

/* out[i] = sum_j a[i, j] in fp32, j in order; K = 0 is refused. */
static int sum_no_empty_rows(const numguard_problem* p, uint64_t* out, int64_t out_count) {
  if (p->k == 0) return NUMGUARD_UNSUPPORTED;
  return fp32_row_sums(p->m, p->k, p->a.bits, p->a.count, out, out_count);
}

static int refuse_everything(const numguard_problem* p, uint64_t* out, int64_t out_count) {
  (void)p;
  (void)out;
  (void)out_count;
  return NUMGUARD_UNSUPPORTED;
}

static const numguard_kernel2 kKernels[] = {
    {"sum.fp32.fp32acc.unsupported_k0", "sum", {.in = "fp32"}, sum_no_empty_rows},
    {"sum.fp32.fp32acc.unsupported_all", "sum", {.in = "fp32"}, refuse_everything},
};

NUMGUARD_DEFINE_PLUGIN(kKernels)
