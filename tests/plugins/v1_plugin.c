/* A plugin written for ABI 1 (abi_version 1, numguard_kernel in `kernels`: the types of
 * numguard/plugin.h that never change), for tests/cli_plugin_v1_test.sh: a correct fp32 sequential
 * sum and a correct fp32 strided sum over 4 lanes. Built with V1_PLUGIN_SPLIT_K it also declares a
 * split_k kernel, which ABI 1 cannot parameterize (it has no splits field): numguard must refuse it
 * naming splits. */
#include <numguard/plugin.h>
#include <stddef.h>
#include "fp32_bits.h"

/* The layout of ABI 1's structs, as the header of ABI 1 laid them out on LP64 targets (a
 * compile error here means plugin.h's ABI 1 types no longer match the plugins built with them). */
#define V1_LAYOUT(name, cond) typedef char v1_layout_##name[(cond) ? 1 : -1]
#if UINTPTR_MAX == 0xFFFFFFFFFFFFFFFFu
V1_LAYOUT(recipe_size, sizeof(numguard_recipe) == 88);
V1_LAYOUT(recipe_block, offsetof(numguard_recipe, block) == 40);
V1_LAYOUT(recipe_lanes, offsetof(numguard_recipe, lanes) == 44);
V1_LAYOUT(recipe_method, offsetof(numguard_recipe, method) == 48);
V1_LAYOUT(recipe_math_ulps, offsetof(numguard_recipe, math_ulps) == 64);
V1_LAYOUT(recipe_finite, offsetof(numguard_recipe, finite_inputs_only) == 80);
V1_LAYOUT(kernel_size, sizeof(numguard_kernel) == 120);
V1_LAYOUT(kernel_recipe, offsetof(numguard_kernel, recipe) == 16);
V1_LAYOUT(kernel_run, offsetof(numguard_kernel, run) == 104);
V1_LAYOUT(kernel_device, offsetof(numguard_kernel, device) == 112);
V1_LAYOUT(plugin_kernels, offsetof(numguard_plugin, kernels) == 8);
#endif

/* out[i] = sum_j a[i, j] in fp32, j in order. */
static int sum_sequential(const numguard_problem* p, uint64_t* out, int64_t out_count) {
  return fp32_row_sums(p->m, p->k, p->a.bits, p->a.count, out, out_count);
}

/* Four lanes, lane l summing a[i, l], a[i, l + 4], ... in fp32; then a butterfly across the
 * lanes: (s0 + s2) + (s1 + s3). */
static int sum_strided4(const numguard_problem* p, uint64_t* out, int64_t out_count) {
  if (out_count != p->m || p->a.count != p->m * p->k) return 1;
  for (int64_t i = 0; i < p->m; ++i) {
    float lane[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    for (int64_t j = 0; j < p->k; ++j) lane[j % 4] += as_float(p->a.bits[i * p->k + j]);
    lane[0] += lane[2];
    lane[1] += lane[3];
    out[i] = as_bits(lane[0] + lane[1]);
  }
  return 0;
}

static const numguard_kernel kKernels[] = {
    {"sum.fp32.fp32acc.v1_sequential",
     "sum",
     {"fp32", "fp32", "fp32", "rne", "sequential", 0, 0, NULL, NULL, 0.0, 0.0, 0},
     sum_sequential,
     NULL},
    {"sum.fp32.fp32acc.v1_strided4",
     "sum",
     {"fp32", "fp32", "fp32", "rne", "strided", 0, 4, NULL, NULL, 0.0, 0.0, 0},
     sum_strided4,
     "cpu"},
#ifdef V1_PLUGIN_SPLIT_K
    /* ABI 1 has no splits: the declaration cannot say how many chunks. */
    {"sum.fp32.fp32acc.v1_split_k",
     "sum",
     {"fp32", "fp32", "fp32", "rne", "split_k", 0, 0, NULL, NULL, 0.0, 0.0, 0},
     sum_sequential,
     NULL},
#endif
};

static const numguard_plugin kPlugin = {1u, sizeof kKernels / sizeof kKernels[0], kKernels};

/* The loader reads abi_version first; under ABI 1 it never reads past `kernels` (an ABI 1
 * binary's numguard_plugin ends there). */
const numguard_plugin* numguard_plugin_entry(void) {
  return &kPlugin;
}
