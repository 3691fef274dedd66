/* numguard plugin ABI: how a shared library declares kernels for numguard to check.
 *
 * A plugin exports one C function, numguard_plugin_entry, returning a description that
 * lives as long as the library: the ABI version it was built against and its kernels. Each
 * kernel names its op (one of the ops `numguard ops` lists), declares its recipe with the same
 * fields as the built-in kernels' recipes (strings as `numguard list --json` prints them),
 * and runs on raw bit buffers: every tensor element is one uint64_t holding the element's bit
 * pattern in its format (fp16 0x3C00 is 1.0), row-major, in the op's operand layout. That
 * layout is printed by `numguard ops --op <op>` (`--json` for a program): which of the slots
 * a, b, c, d holds which operand, its shape in m, n, k, its format (the recipe's input or
 * output format), whether it may be absent (count 0), what lengths and scalars hold, and the
 * output's shape (gemm: a is m x k, b k x n, c m x n, output m x n). numguard checks the
 * version on load and refuses a mismatch.
 *
 * This header is C (C99) and stable: fields are only ever added at the end of a struct, with
 * a new ABI version. */
#ifndef NUMGUARD_PLUGIN_H
#define NUMGUARD_PLUGIN_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NUMGUARD_PLUGIN_ABI_VERSION 1u

/* One operand: `count` elements of `bits` (count 0: the operand is absent). */
typedef struct numguard_operand {
  const uint64_t* bits;
  int64_t count;
} numguard_operand;

/* The inputs of one evaluation (numguard's Problem). */
typedef struct numguard_problem {
  int64_t m, n, k;
  numguard_operand a, b, c, d;
  double alpha, beta;
  const int64_t* lengths; /* integer operands (targets, visible key counts) */
  int64_t lengths_count;
  const double* scalars; /* op parameters (eps, Adam's hyperparameters) */
  int64_t scalars_count;
} numguard_problem;

/* Writes `out_count` output elements (bit patterns in the recipe's output format) to `out`.
 * Returns 0 on success; any other value is reported as a kernel error for that case. */
typedef int (*numguard_run_fn)(const numguard_problem* problem, uint64_t* out, int64_t out_count);

/* The recipe: what the kernel's bound is derived from. NULL strings take the default. */
typedef struct numguard_recipe {
  const char* in;           /* input format: "fp32", "tf32", "bf16", "fp16", "e4m3", "e5m2" */
  const char* acc;          /* accumulation format (default "fp32") */
  const char* out;          /* output format (default: acc) */
  const char* out_rounding; /* "rne" (default), "rz", "ru", "rd", "rna" */
  const char* order;        /* "sequential" (default), "pairwise", "blocked", "strided", ... */
  int32_t block;            /* blocked: block length */
  int32_t lanes;            /* strided: lanes */
  const char* method;       /* "direct" (default), "two_pass", "online", "welford", ... */
  const char* stage;        /* format intermediates are stored in (NULL: kept in acc) */
  double math_ulps;         /* accuracy of the kernel's exp/log/erf in acc (0: none used) */
  double max_abs_input;     /* promised input range (0: unbounded) */
  int32_t finite_inputs_only;
} numguard_recipe;

typedef struct numguard_kernel {
  const char* name; /* <op>.<input>.<accumulation>.<algorithm>, unique among all kernels */
  const char* op;
  numguard_recipe recipe;
  numguard_run_fn run;
  /* "cpu" (default when NULL) or "cuda": run launches on a GPU itself (it still takes and
   * returns host buffers). numguard skips "cuda" kernels, saying so, where it sees no CUDA
   * device. */
  const char* device;
} numguard_kernel;

typedef struct numguard_plugin {
  uint32_t abi_version; /* NUMGUARD_PLUGIN_ABI_VERSION */
  uint32_t kernel_count;
  const numguard_kernel* kernels;
} numguard_plugin;

/* The one symbol numguard looks up. */
typedef const numguard_plugin* (*numguard_plugin_entry_fn)(void);
#define NUMGUARD_PLUGIN_ENTRY "numguard_plugin_entry"

#ifdef __cplusplus
}
#endif

#endif /* NUMGUARD_PLUGIN_H */
