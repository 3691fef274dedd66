/* A plugin for the field round trip (tests/cli_plugin_fields_test.sh): its kernels together
 * set every field of numguard_recipe2, numguard_recipe3 and numguard_kernel3 (ABI 3) to a value
 * other than its default, and `numguard list --json` must show each under the same name. Several
 * kernels, because some fields exclude each other (split_k reads splits and partial, tree fanin,
 * strided lanes). One kernel declares only what is required: the defaults to compare with.
 * The kernels are only listed, never run: run refuses every case. */
#include <numguard/plugin.h>

static int never_run(const numguard_problem* p, uint64_t* out, int64_t out_count) {
  (void)p;
  (void)out;
  (void)out_count;
  return NUMGUARD_UNSUPPORTED;
}

static const numguard_kernel3 kKernels[] = {
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
    /* ABI 3: a Hopper fp8 mma: zeros aligned at e_zero, each block's result kept to 13 bits. */
    {"gemm.e4m3.fp32acc.allfields_fused",
     "gemm",
     {.in = "e4m3", .order = "fused_block", .block = 32, .frac_bits = 25, .acc_rounding = "rz"},
     never_run,
     .recipe3 = {.zero_exponent = -133, .out_frac_bits = 13}},
    /* kind::mxf4nvf4: products summed exactly in groups of 16. */
    {"nvfp4_gemm.e2m1.fp32acc.allfields_group",
     "nvfp4_gemm",
     {.in = "e2m1", .order = "fused_block", .block = 64, .frac_bits = 35, .acc_rounding = "rz"},
     never_run,
     .recipe3 = {.scale_group = 16}},
    /* An MXFP8 GEMM that quantizes its bf16 operands itself, scales rounded up. */
    {"mx_gemm.bf16.fp32acc.allfields_mx",
     "mx_gemm",
     {.in = "bf16", .order = "fused_block", .block = 32, .frac_bits = 25, .acc_rounding = "rz"},
     never_run,
     .recipe3 = {.block_format = "mxfp8_e4m3", .scale_rule = "up"}},
};

NUMGUARD_DEFINE_PLUGIN3(kKernels)
