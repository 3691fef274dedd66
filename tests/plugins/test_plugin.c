/* A plugin for numguard's own tests of the plugin ABI: two fp32 sums, one correct and one
 * that drops the tail when k is not a multiple of its 4-wide vector loop (the dropped-tail
 * bug of hand-vectorized reductions). Built three ways by CMake: as is; with
 * TEST_PLUGIN_WRONG_ABI (declares ABI 999); with TEST_PLUGIN_UNKNOWN_OP; with
 * TEST_PLUGIN_CRASHES (adds a kernel that segfaults, one that hangs and one that dies of SIGFPE on
 * k = 0 only). */
#include <numguard/plugin.h>
#include <signal.h>
#include <stdlib.h>
#include "fp32_bits.h"

static int sum_sequential(const numguard_problem* p, uint64_t* out, int64_t out_count) {
  if (out_count != 1 || p->a.count != p->k) return 1;
  float s = 0.0f;
  for (int64_t i = 0; i < p->k; ++i) s += as_float(p->a.bits[i]);
  out[0] = as_bits(s);
  return 0;
}

/* Ends the whole process, successfully, as a library that calls exit() on an error would. */
static int sum_exits(const numguard_problem* p, uint64_t* out, int64_t out_count) {
  if (p->k > 8) exit(0);
  return sum_sequential(p, out, out_count);
}

/* A vendor kernel's habit: correct, except that it dies of SIGFPE on an empty sum (k = 0). */
static int sum_dies_on_empty(const numguard_problem* p, uint64_t* out, int64_t out_count) {
  if (p->k == 0) raise(SIGFPE);
  return sum_sequential(p, out, out_count);
}

/* Bug: the loop runs over whole groups of 4 only; the k % 4 tail is never added. */
static int sum_dropped_tail(const numguard_problem* p, uint64_t* out, int64_t out_count) {
  if (out_count != 1 || p->a.count != p->k) return 1;
  float s = 0.0f;
  for (int64_t i = 0; i + 4 <= p->k; i += 4)
    for (int64_t j = 0; j < 4; ++j) s += as_float(p->a.bits[i + j]);
  out[0] = as_bits(s);
  return 0;
}

/* Dereferences a null pointer on every call: a kernel that segfaults. */
static int sum_segfaults(const numguard_problem* p, uint64_t* out, int64_t out_count) {
  volatile const uint64_t* nowhere = 0;
  (void)p;
  (void)out_count;
  out[0] = nowhere[p->k];
  return 0;
}

/* Never returns: a kernel that hangs. */
static int sum_hangs(const numguard_problem* p, uint64_t* out, int64_t out_count) {
  volatile int forever = 1;
  (void)p;
  (void)out;
  (void)out_count;
  while (forever) {
  }
  return 0;
}

static const numguard_kernel kKernels[] = {
    {"sum.fp32.fp32acc.plugin_sequential",
     "sum",
     {.in = "fp32", .acc = "fp32", .out = "fp32"},
     sum_sequential},
#ifdef TEST_PLUGIN_UNKNOWN_OP
    {"frobnicate.fp32.fp32acc.plugin", "frobnicate", {.in = "fp32"}, sum_sequential},
#else
    {"sum.fp32.fp32acc.plugin_dropped_tail",
     "sum",
     {.in = "fp32", .acc = "fp32", .out = "fp32"},
     sum_dropped_tail},
#endif
    /* Declared as a GPU kernel (it runs on the host: only the skip without a device is tested). */
    {"sum.fp32.fp32acc.plugin_on_gpu",
     "sum",
     {.in = "fp32", .acc = "fp32", .out = "fp32"},
     sum_sequential,
     .device = "cuda"},
#ifdef TEST_PLUGIN_EXITS
    {"sum.fp32.fp32acc.plugin_exits", "sum", {.in = "fp32"}, sum_exits},
#endif
#ifdef TEST_PLUGIN_CRASHES
    {"sum.fp32.fp32acc.plugin_segfault",
     "sum",
     {.in = "fp32", .acc = "fp32", .out = "fp32"},
     sum_segfaults},
    {"sum.fp32.fp32acc.plugin_dies_on_empty",
     "sum",
     {.in = "fp32", .acc = "fp32", .out = "fp32"},
     sum_dies_on_empty},
    {"sum.fp32.fp32acc.plugin_hang",
     "sum",
     {.in = "fp32", .acc = "fp32", .out = "fp32"},
     sum_hangs},
#endif
};

static const numguard_plugin kPlugin = {
#ifdef TEST_PLUGIN_WRONG_ABI
    999u,
#else
    NUMGUARD_PLUGIN_ABI_VERSION,
#endif
    sizeof kKernels / sizeof kKernels[0], kKernels};

const numguard_plugin* numguard_plugin_entry(void) {
  return &kPlugin;
}
