/* A plugin for the field round trip (tests/cli_plugin_fields_test.sh): its kernels together
 * set every field of numguard_recipe2 and numguard_kernel2 (ABI 2) to a value other than its
 * default, and `numguard list --json` must show each under the same name. Several kernels,
 * because some fields exclude each other (split_k reads splits and partial, tree fanin,
 * strided lanes). One kernel declares only what is required: the defaults to compare with.
 * The kernels are only listed, never run: run refuses every case. */
#include <numguard/plugin.h>

static int never_run(const numguard_problem* p, uint64_t* out, int64_t out_count) {
  (void)p;
  (void)out;
  (void)out_count;
  return NUMGUARD_UNSUPPORTED;
}

static const numguard_kernel2 kKernels[] = {
    /* Every field left at its default but the required one. */
    {"sum.fp32.fp32acc.allfields_defaults", "sum", {.in = "fp32"}, never_run},
    /* A vendor GEMM: inputs cast, products rounded, split-K chunks of fused blocks. */
    {"gemm.fp32.fp64acc.allfields_split_k",
     "gemm",
     {.in = "fp32",
      .acc = "fp64",
      .out = "fp16",
      .out_rounding = "rz",
      .order = "split_k",
      .block = 8,
      .max_abs_input = 1000.0,
      .finite_inputs_only = 1,
      .input_cast = "bf16",
      .input_cast_rounding = "rz",
      .product = "fp32",
      .acc_rounding = "ru",
      .splits = 4,
      .partial = "bf16",
      .frac_bits = 23,
      .operand_exponents = 1,
      .ftz = "products,acc",
      .daz = 1,
      .normal_inputs_only = 1,
      .alpha_applies = "to_inputs",
      .alpha_beta = "arithmetic"},
     never_run,
     .device = "cuda",
     .max_unsupported = 0.25},
    /* A row op: its method, staging format, math accuracy and what an empty row gives. */
    {"softmax.fp16.fp32acc.allfields_online",
     "softmax",
     {.in = "fp16", .method = "online", .stage = "fp16", .math_ulps = 2.5, .empty_rows = "zero"},
     never_run},
    {"sum.fp32.fp32acc.allfields_tree",
     "sum",
     {.in = "fp32", .order = "tree", .fanin = 4},
     never_run},
    {"sum.fp32.fp32acc.allfields_strided",
     "sum",
     {.in = "fp32", .order = "strided", .lanes = 32},
     never_run},
};

NUMGUARD_DEFINE_PLUGIN(kKernels)
