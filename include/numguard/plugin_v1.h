/* numguard plugin ABI version 1, frozen: the layouts of a plugin built before ABI 2, which
 * numguard still loads (a numguard_plugin whose abi_version is 1 points at numguard_v1_kernel
 * entries). New plugins use numguard/plugin.h. The problem, the run function and the entry
 * point are the same in both versions. */
#ifndef NUMGUARD_PLUGIN_V1_H
#define NUMGUARD_PLUGIN_V1_H

#include "plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NUMGUARD_PLUGIN_ABI_V1 1u

typedef struct numguard_v1_recipe {
  const char* in;
  const char* acc;
  const char* out;
  const char* out_rounding;
  const char* order;
  int32_t block;
  int32_t lanes;
  const char* method;
  const char* stage;
  double math_ulps;
  double max_abs_input;
  int32_t finite_inputs_only;
} numguard_v1_recipe;

typedef struct numguard_v1_kernel {
  const char* name;
  const char* op;
  numguard_v1_recipe recipe;
  numguard_run_fn run; /* any non-zero return is a kernel error (no NUMGUARD_UNSUPPORTED) */
  const char* device;
} numguard_v1_kernel;

typedef struct numguard_v1_plugin {
  uint32_t abi_version; /* NUMGUARD_PLUGIN_ABI_V1 */
  uint32_t kernel_count;
  const numguard_v1_kernel* kernels;
} numguard_v1_plugin;

#ifdef __cplusplus
}
#endif

#endif /* NUMGUARD_PLUGIN_V1_H */
