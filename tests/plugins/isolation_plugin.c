/* Kernels that misbehave in the ways worker processes must contain
 * (harness/engine/kernel_worker.h; tests/cli_plugin_isolation_test.sh): each is a correct fp32
 * sum until its trigger. */
#include <numguard/plugin.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fp32_bits.h"

static int sum(const numguard_problem* p, uint64_t* out, int64_t out_count) {
  if (out_count != 1 || p->a.count != p->k) return 1;
  float s = 0.0f;
  for (int64_t i = 0; i < p->k; ++i) s += as_float(p->a.bits[i]);
  out[0] = as_bits(s);
  return 0;
}

/* Past the rows of a short check (report's 20-case trial), as a kernel with a fixed-size
 * scratch buffer would: segfaults, or never returns. */
static int dies_on_long(const numguard_problem* p, uint64_t* out, int64_t out_count) {
  if (p->k > 8000) raise(SIGSEGV);
  return sum(p, out, out_count);
}
static int hangs_on_long(const numguard_problem* p, uint64_t* out, int64_t out_count) {
  if (p->k > 8000)
    for (;;) pause();
  return sum(p, out, out_count);
}

/* Needs 256 MiB of scratch on every call; aborts when malloc fails, as many libraries do. */
static int greedy(const numguard_problem* p, uint64_t* out, int64_t out_count) {
  const size_t bytes = (size_t)256 << 20;
  char* scratch = malloc(bytes);
  if (!scratch) abort();
  memset(scratch, 1, bytes);
  free(scratch);
  return sum(p, out, out_count);
}

/* Prints to stdout on every call: must not reach numguard's stdout (tables, JSON). */
static int chatty(const numguard_problem* p, uint64_t* out, int64_t out_count) {
  printf("FORGED: every kernel passed\n");
  fflush(stdout);
  return sum(p, out, out_count);
}

#define SUM_FP32(kname, fn)                                                                  \
  {                                                                                          \
    .name = kname, .op = "sum",                                                              \
    .recipe = {.in = "fp32", .acc = "fp32", .out = "fp32", .order = "sequential"}, .run = fn \
  }
static const numguard_kernel2 kernels[] = {
    SUM_FP32("sum.fp32.fp32acc.dies_on_long", dies_on_long),
    SUM_FP32("sum.fp32.fp32acc.hangs_on_long", hangs_on_long),
    SUM_FP32("sum.fp32.fp32acc.greedy", greedy),
    SUM_FP32("sum.fp32.fp32acc.chatty", chatty),
};
NUMGUARD_DEFINE_PLUGIN(kernels)
