// A bit-exact model of a reduction-family kernel (dot, sum, sumsq, gemm) from its recipe: the
// CPU kernels' summation orders (kernels_under_test/cpu/) run with the recipe's formats,
// roundings, flushes, input cast and alpha/beta semantics, plus the bugs a recipe cannot
// state (a dropped K tail, a tree or butterfly index bug, split-K partials reduced in a narrow
// format). `numguard explain` varies one of these at a time.
#pragma once

#include <optional>
#include <string_view>

#include "harness/core/kernel.h"

namespace numguard::explain {

struct ReductionVariant {
  Recipe r;
  int64_t tile = 0;            // > 0: the last K mod tile terms are never summed
  int64_t duplicate_tile = 0;  // > 0: the last K mod tile terms are summed twice
  // > 0: the accumulator keeps this many fraction bits (fp32's exponent range, RNE), where the
  // recipe's accumulation format keeps more: a narrower hardware accumulator.
  int acc_frac_bits = 0;
  // gemm: alpha multiplied into A's elements (rounded to the accumulation format) before the
  // products, as vendor GEMMs do, instead of into the sum.
  bool alpha_to_inputs = false;
  // gemm: BLAS's alpha == 0 (beta == 0) branch missing: a b (c) read anyway (Arithmetic's bugs).
  bool ab_at_alpha0 = false;
  bool c_at_beta0 = false;
  // gemm: alpha == beta == 1 treated as "accumulate into D in place": C dropped (Arithmetic's).
  bool c_dropped_at_unit_scalars = false;
  // The output rounded to this format first, then to the recipe's output format.
  std::optional<Format> out_through;
  bool pairwise_leaf_bug = false;
  bool repeated_offset = false;        // strided: butterfly offsets lanes/2, ..., 2, 2
  std::optional<Format> split_reduce;  // split-K partials summed in this format
};

// Whether the model can compute kernels of `op` declaring v.r (an accumulator of at most 51
// bits, products exact or rounded to fp32, tf32, bf16 or fp16, an order with its parameters,
// fused blocks only over products).
bool reduction_emulable(std::string_view op, const Recipe& r);

// The output of `op` on p as the variant computes it, into `out` (allocated: format r.out,
// the op's output shape).
void emulate_reduction(std::string_view op, const ReductionVariant& v, const Problem& p,
                       Tensor& out);

}  // namespace numguard::explain
