/* numguard plugin ABI, version 3: how a shared library declares kernels for numguard to check.
 *
 * A plugin exports one C function, numguard_plugin_entry, returning a description that
 * lives as long as the library: the ABI version it was built against and its kernels. Each
 * kernel names its op (one of the ops `numguard ops` lists), declares its recipe with the same
 * fields, names and values as `numguard list --json` prints for the built-in kernels, and runs
 * on raw bit buffers: every tensor element is one uint64_t holding the element's bit pattern
 * in its format (fp16 0x3C00 is 1.0), row-major, in the op's operand layout. That layout is
 * printed by `numguard ops --op <op>` (`--json` for a program): which of the slots a, b, c, d
 * holds which operand, its shape in m, n, k (and k/32 = ceil(k / 32)), its format (the
 * recipe's input or output format: gemm's c is in the output format; scaled_gemm's c and d
 * are E8M0 block scales), whether it may be absent (count 0), what lengths and
 * scalars hold, and the output's shape (gemm: a is m x k, b k x n, c m x n, output m x n).
 * docs/PLUGINS.md describes every field and what a correct kernel must do per op.
 *
 * Versions: ABI 1's types (numguard_recipe, numguard_kernel) never change, so a plugin written
 * for ABI 1 keeps compiling and loading; ABI 2 declares kernels as numguard_kernel2 (the whole
 * recipe, numguard_recipe2) in numguard_plugin.kernels2; ABI 3 as numguard_kernel3 (ABI 2's
 * kernel and numguard_recipe3: the fields of matrix units and block-scaled GEMMs) in
 * numguard_plugin.kernels3. Plugins built for ABI 2 keep loading. Fields are only ever added at
 * the end of a struct, with a new ABI version. Every field left zero or NULL takes its default, so
 * designated initializers (C99; numguard/plugin.hpp for C++) name only what differs from the
 * defaults. A field with a value numguard does not know is refused on load with one line naming the
 * plugin, the kernel, the field, the value and what is allowed. */
#ifndef NUMGUARD_PLUGIN_H
#define NUMGUARD_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NUMGUARD_PLUGIN_ABI_VERSION 3u

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

/* What run returns: 0 when it wrote every output element; NUMGUARD_UNSUPPORTED when the kernel
 * does not handle this case by design (a shape it rejects, K = 0, a size limit: counted and
 * shown as unsupported, never a failure unless the kernel refuses more than its
 * max_unsupported fraction of the cases); any other value is a kernel error for that case. */
#define NUMGUARD_UNSUPPORTED (-2)

/* Writes `out_count` output elements (bit patterns in the recipe's output format) to `out`. */
typedef int (*numguard_run_fn)(const numguard_problem* problem, uint64_t* out, int64_t out_count);

/* ABI 1's recipe and kernel, frozen: a plugin written for ABI 1 (abi_version 1 and
 * `kernels`) keeps compiling and loading unchanged, and an ABI 2 plugin may still declare
 * kernels this way (every ABI 2 field then takes its default). */
/* The fields of numguard_recipe2 of the same names and meanings, in ABI 1's order. */
typedef struct numguard_recipe {
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
} numguard_recipe;

typedef struct numguard_kernel {
  const char* name; /* <op>.<input>.<accumulation>.<algorithm>, unique among all kernels */
  const char* op;
  numguard_recipe recipe;
  numguard_run_fn run; /* under abi_version 1 any non-zero return is a kernel error */
  const char* device;  /* "cpu" (NULL) or "cuda" */
} numguard_kernel;

/* The recipe: what the kernel's bound and reference are derived from. Strings are the values
 * `numguard list --json` prints; NULL (or 0) takes the default given in brackets. */
typedef struct numguard_recipe2 {
  /* ABI 1 fields, in their ABI 1 order. */
  const char* in;             /* input format (required): "fp32", "tf32", "bf16", "fp16", "e4m3",
                                 "e5m2", "fp64" */
  const char* acc;            /* accumulation format ["fp32"] */
  const char* out;            /* output format [acc] */
  const char* out_rounding;   /* output conversion: "rne", "rz", "ru", "rd", "rna", "sr"
                                 ["rne"] */
  const char* order;          /* summation order: "sequential", "pairwise", "blocked" (block),
                                 "tree" (fanin), "compensated", "split_k" (splits, partial),
                                 "fused_block" (block, frac_bits), "strided" (lanes), or "any":
                                 not documented, the bound holds for every order and blocking
                                 ["sequential"] */
  int32_t block;              /* blocked, fused_block: block length (>= 1) */
  int32_t lanes;              /* strided: lanes (>= 1) */
  const char* method;         /* row ops: "direct", "two_pass", "online", "welford", "no_max",
                                 "tiled" ["direct"] */
  const char* stage;          /* format intermediates are stored in between passes [acc] */
  double math_ulps;           /* row ops: error of the kernel's exp, log and erfc in ulps of
                                 acc, charged on each call (sqrt and division are taken as
                                 correctly rounded) [0: none used] */
  double max_abs_input;       /* promised input range [0: unbounded] */
  int32_t finite_inputs_only; /* inf/NaN inputs are outside the promise [0] */

  /* ABI 2 fields. */
  const char* input_cast;          /* inputs rounded to this format before use (a GEMM that
                                      converts fp32 inputs to "tf32", "bf16" or "fp16")
                                      [NULL: used as they are] */
  const char* input_cast_rounding; /* how: "rne", "rna" (cvt.rna.tf32.f32), "rz" ["rne"] */
  const char* product;             /* format each product is rounded to before it is summed
                                      [NULL: products exact, an FMA or wide enough] */
  const char* acc_rounding;        /* rounding of every accumulator operation ["rne"] */
  int32_t fanin;                   /* tree: terms summed per node (>= 2) */
  int32_t splits;                  /* split_k: chunks of K (>= 1) */
  const char* partial;             /* split_k: format the chunk partials are stored in ["fp32"] */
  int32_t frac_bits;          /* fused_block (and split_k running fused blocks): fraction bits kept
                                 below the block's largest exponent */
  int32_t operand_exponents;  /* fused blocks align on the operands' exponent fields [0] */
  const char* ftz;            /* stages whose subnormal results are flushed to zero: "none",
                                 "all", or a comma list of "products", "acc", "out" ["none"] */
  int32_t daz;                /* subnormal inputs are read as zero [0] */
  int32_t normal_inputs_only; /* subnormal inputs are outside the promise [0] */
  const char* alpha_applies;  /* gemm: "after" (alpha * acc) or "to_inputs" (alpha folded into
                                 an operand before the products) ["after"] */
  const char* alpha_beta;     /* gemm: "blas" (beta = 0: c is not read; alpha = 0: a and b are not
                                 read) or "arithmetic" (0 * NaN is NaN) ["blas"] */
  const char* empty_rows;     /* softmax, attention: a row of only -inf logits or with no visible
                                 key gives "nan" or "zero" ["op_default": softmax NaN as PyTorch's
                                 softmax, attention 0 as fused attention kernels] */
} numguard_recipe2;

typedef struct numguard_kernel2 {
  const char* name; /* <op>.<input>.<accumulation>.<algorithm>, unique among all kernels */
  const char* op;
  numguard_recipe2 recipe;
  numguard_run_fn run;
  /* "cpu" (default when NULL) or "cuda": run launches on a GPU itself (it still takes and
   * returns host buffers). numguard skips "cuda" kernels, saying so, where it sees no CUDA
   * device. */
  const char* device;
  double max_unsupported; /* the fraction of cases run may refuse with NUMGUARD_UNSUPPORTED
                             before the kernel fails, in (0, 1] [0: 0.5] */
} numguard_kernel2;

/* ABI 3: the recipe fields of tensor-core (fused-block) and block-scaled kernels, under the
 * names `numguard list --json` prints (block_format and scale_rule as "block_scaling"). */
typedef struct numguard_recipe3 {
  int32_t zero_exponent;    /* fused blocks: the alignment exponent of a zero product or a zero
                               C (MMA-Sim's e_zero; `numguard mma --list` shows each
                               instruction's) [0: zeros take no part] */
  int32_t out_frac_bits;    /* fused_block: each block's result truncated to this many fraction
                               bits first (fp8 mma on Ada and Hopper: 13) [0: none] */
  int32_t scale_group;      /* fused_block over block-scaled products (scaled_gemm,
                               nvfp4_gemm, mx_gemm): products summed exactly in groups of this
                               many before the alignment (kind::mxf4, mxf4nvf4: 16) [0: none] */
  const char* block_format; /* mx_gemm (required there, unset elsewhere): the format A and B
                               are quantized into along K: "mxfp8_e4m3", "mxfp8_e5m2",
                               "mxfp6_e3m2", "mxfp6_e2m3", "mxfp4", "nvfp4" */
  const char* scale_rule;   /* mx_gemm: "spec" (OCP MX's floor) or "up" (the scale rounded up:
                               the block's largest value never saturates) ["spec"] */
} numguard_recipe3;

/* An ABI 3 kernel: numguard_kernel2's fields, then the ABI 3 recipe fields. */
typedef struct numguard_kernel3 {
  const char* name;
  const char* op;
  numguard_recipe2 recipe;
  numguard_run_fn run;
  const char* device;
  double max_unsupported;
  numguard_recipe3 recipe3;
} numguard_kernel3;

/* The plugin: kernel_count kernels in exactly one of `kernels3` (ABI 3), `kernels2` (ABI 2's
 * layout: every ABI 3 field at its default) or `kernels` (ABI 1's layout: every later field at
 * its default). */
typedef struct numguard_plugin {
  uint32_t abi_version; /* NUMGUARD_PLUGIN_ABI_VERSION */
  uint32_t kernel_count;
  const numguard_kernel* kernels;
  /* ABI 2. */
  const numguard_kernel2* kernels2;
  /* ABI 3. */
  const numguard_kernel3* kernels3;
} numguard_plugin;

/* The one symbol numguard looks up. */
typedef const numguard_plugin* (*numguard_plugin_entry_fn)(void);
#define NUMGUARD_PLUGIN_ENTRY "numguard_plugin_entry"

/* Defines numguard_plugin_entry for a static array of ABI 2 kernels, at file scope:
 *   static const numguard_kernel2 kKernels[] = {{.name = ..., ...}, ...};
 *   NUMGUARD_DEFINE_PLUGIN(kKernels)
 * and NUMGUARD_DEFINE_PLUGIN3 for numguard_kernel3 arrays. */
#ifdef __cplusplus
#define NUMGUARD_PLUGIN_LINKAGE extern "C"
#else
#define NUMGUARD_PLUGIN_LINKAGE
#endif
#define NUMGUARD_DEFINE_PLUGIN(kernels)                                                        \
  NUMGUARD_PLUGIN_LINKAGE const numguard_plugin* numguard_plugin_entry(void) {                 \
    static const numguard_plugin plugin = {NUMGUARD_PLUGIN_ABI_VERSION,                        \
                                           (uint32_t)(sizeof(kernels) / sizeof((kernels)[0])), \
                                           NULL, (kernels), NULL};                             \
    return &plugin;                                                                            \
  }
#define NUMGUARD_DEFINE_PLUGIN3(kernels)                                                       \
  NUMGUARD_PLUGIN_LINKAGE const numguard_plugin* numguard_plugin_entry(void) {                 \
    static const numguard_plugin plugin = {NUMGUARD_PLUGIN_ABI_VERSION,                        \
                                           (uint32_t)(sizeof(kernels) / sizeof((kernels)[0])), \
                                           NULL, NULL, (kernels)};                             \
    return &plugin;                                                                            \
  }

#ifdef __cplusplus
}
#endif

#endif /* NUMGUARD_PLUGIN_H */
