/* Malformed declarations for tests/cli_plugin_refusals_test.sh: each build (CMake defines
 * BAD_<CASE>, one per library) declares a correct kernel and then one kernel with one bad
 * field, which numguard must refuse on load with one line naming the plugin, the kernel, the
 * field, the value and what is allowed. */
#include <numguard/plugin.h>

static int never_run(const numguard_problem* p, uint64_t* out, int64_t out_count) {
  (void)p;
  (void)out;
  (void)out_count;
  return NUMGUARD_UNSUPPORTED;
}

#if defined(BAD_NAME_NEWLINE)
#define BAD_NAME "sum.fp32.fp32acc.bad\nname"
#elif defined(BAD_NAME_COMMA)
#define BAD_NAME "sum.fp32.fp32acc.bad,name"
#else
#define BAD_NAME "sum.fp32.fp32acc.bad"
#endif

/* A sum kernel with the required input format and the fields given. */
#define BAD_SUM(...) \
  { BAD_NAME, "sum", {.in = "fp32", __VA_ARGS__}, never_run }

/* A fused-block kernel (block l, f fraction bits) with the ABI 3 fields given. */
#define BAD_FUSED(op_name, in_format, l, f, ...)                                              \
  {                                                                                           \
    BAD_NAME, op_name, {.in = in_format, .order = "fused_block", .block = l, .frac_bits = f}, \
        never_run, .recipe3 = {                                                               \
          __VA_ARGS__                                                                         \
        }                                                                                     \
  }

static const numguard_kernel3 kKernels[] = {
    {"sum.fp32.fp32acc.fine", "sum", {.in = "fp32"}, never_run},
#if defined(BAD_ORDER_UNKNOWN)
    BAD_SUM(.order = "zigzag"),
#elif defined(BAD_SPLIT_K_SPLITS_0)
    BAD_SUM(.order = "split_k"),
#elif defined(BAD_TREE_FANIN_0)
    BAD_SUM(.order = "tree"),
#elif defined(BAD_TREE_FANIN_1)
    BAD_SUM(.order = "tree", .fanin = 1),
#elif defined(BAD_FUSED_FRAC_BITS_0)
    BAD_SUM(.order = "fused_block", .block = 16),
#elif defined(BAD_FUSED_FRAC_BITS_60)
    BAD_SUM(.order = "fused_block", .block = 16, .frac_bits = 60),
#elif defined(BAD_BLOCKED_BLOCK_0)
    BAD_SUM(.order = "blocked"),
#elif defined(BAD_LANES_SEQUENTIAL)
    BAD_SUM(.order = "sequential", .lanes = 4),
#elif defined(BAD_PARTIAL_UNKNOWN)
    BAD_SUM(.order = "split_k", .splits = 2, .partial = "fp7"),
#elif defined(BAD_FTZ_BOGUS)
    BAD_SUM(.ftz = "products,bogus"),
#elif defined(BAD_DAZ_2)
    BAD_SUM(.daz = 2),
#elif defined(BAD_MAX_UNSUPPORTED)
    {BAD_NAME, "sum", {.in = "fp32"}, never_run, .max_unsupported = 1.5},
#elif defined(BAD_INPUT_CAST_WIDER)
    {BAD_NAME, "sum", {.in = "fp16", .input_cast = "fp32"}, never_run},
#elif defined(BAD_LANES_NOT_POWER_OF_TWO)
    BAD_SUM(.order = "strided", .lanes = 3),
#elif defined(BAD_SR_FUSED_BLOCK)
    BAD_SUM(.order = "fused_block", .block = 4, .frac_bits = 24, .acc_rounding = "sr"),
#elif defined(BAD_ROW_OP_FTZ)
    {BAD_NAME, "softmax", {.in = "fp32", .ftz = "acc"}, never_run},
#elif defined(BAD_ROW_OP_ORDER_ANY)
    {BAD_NAME, "softmax", {.in = "fp32", .order = "any"}, never_run},
#elif defined(BAD_STAGE_ON_GEMM)
    {BAD_NAME, "gemm", {.in = "fp16", .stage = "fp16"}, never_run},
#elif defined(BAD_EMPTY_ROWS_ON_SUM)
    BAD_SUM(.empty_rows = "zero"),
#elif defined(BAD_BLOCK_FORMAT_UNKNOWN)
    BAD_FUSED("mx_gemm", "bf16", 32, 25, .block_format = "mxfp3"),
#elif defined(BAD_MX_GEMM_NO_BLOCK_FORMAT)
    BAD_FUSED("mx_gemm", "bf16", 32, 25, .scale_group = 0),
#elif defined(BAD_SCALE_RULE_WITHOUT_FORMAT)
    {BAD_NAME, "sum", {.in = "fp32"}, never_run, .recipe3 = {.scale_rule = "up"}},
#elif defined(BAD_SCALE_GROUP_ON_GEMM)
    BAD_FUSED("gemm", "fp16", 16, 25, .scale_group = 16),
#elif defined(BAD_SCALE_GROUP_NOT_DIVISOR)
    BAD_FUSED("nvfp4_gemm", "e2m1", 64, 35, .scale_group = 24),
#elif defined(BAD_ZERO_EXPONENT_SEQUENTIAL)
    {BAD_NAME, "sum", {.in = "fp32"}, never_run, .recipe3 = {.zero_exponent = -133}},
#elif defined(BAD_OUT_FRAC_BITS_60)
    BAD_FUSED("gemm", "e4m3", 32, 25, .out_frac_bits = 60),
#elif defined(BAD_NAME_NEWLINE) || defined(BAD_NAME_COMMA)
    {BAD_NAME, "sum", {.in = "fp32"}, never_run},
#else
#error "define one BAD_<CASE>"
#endif
};

NUMGUARD_DEFINE_PLUGIN3(kKernels)
