// A feature-targeted probe of a matrix unit, after Fasi, Higham, Mikaitis & Pranesh (2021)
// and FTTN (Li et al. 2024), with FPRev-style revelation of the block structure (Xie et al.
// 2025). Each feature is measured with inputs whose exact result is representable, so the
// answer depends on the unit's arithmetic alone (2^m below: a product of input values, placed
// at any exponent the inputs, and a block-scaled unit's scales, can reach):
//   products_exact   (1 + 2^-h)^2 needs 2h + 1 bits: kept whole or not
//   fraction_bits F  +2^m, -2^m and 2^(m-k) in one block: the small term survives iff k <= F;
//                    where the inputs cannot span F bits (fp4, fp6), C = 2^m and -2^(m-k)
//   block L          C = 2^m, -2^m at 0 and 2^(m-F-2) at j: it survives iff j starts a block
//   datapath         fused (truncated window, one rounding), c_after (products fused, C added
//                    after; c_after_halves: even and odd products fused apart), exact (no window),
//                    ftz_pairs (partial sums rounded in the output format), fma_chain (L = 1),
//                    scaled / group_scaled (block scales; products summed exactly in groups)
//   operand exponents  +-(1.5 * 1.5) 2^m cancel with 2^(m-F): kept iff a product is aligned at
//                    its operands' exponents (m) rather than its own (m + 1)
//   final_rounding   C = 1 + ulp with +-ulp/2 (ties); 2^j ones where the window is narrower
//   c_in_block       C = 1 with a term below the window: truncated only if C takes part
//   output width     2^m + 2^m + 2^(m+1-j): the result keeps j fraction bits or not
//   zero exponent    C = 0 (a zero term) at a low exponent E: the window drops -2^(E-d) for a
//                    smaller d than F when zeros pull the alignment up to e_zero > E
//   c_after_bits     C = 1 + ulp/2 + 2^-(p+d) after the products: kept iff p + d <= bits
//   group            C = 2^m, two products of 0.75 2^(m-F): summed before truncation or not
//   zero groups      a scale block of zero products under the largest scales beside 1 + 2^-2
//                    under small ones: aligned at its scales, the zero block drops the 2^-2
//   subnormal_inputs / subnormal_outputs, signed zero, NaN pattern, tf32 NaN reading,
//   monotone, tree
// The measured parameters make a model (recovered_model.h), run against the unit on random
// vectors: "recovered" means bit-for-bit agreement, not only matching features.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/studies/matrix_unit.h"

namespace numguard {

struct ProbeResult {
  std::string unit;
  Format in = Format::fp16, in_b = Format::fp16, out = Format::fp32;
  std::string datapath;  // a tc::Datapath name, or "unknown"
  bool products_exact = false;
  int block = 0;           // 0: not found within max_k (or not observable)
  int fraction_bits = -1;  // -1: not found
  // Every tiny term the inputs can express survived: F is at least fraction_bits (the unit may
  // sum exactly, or sequentially in a wide format, and shows no block truncation).
  bool fraction_bits_lower_bound = false;
  std::string final_rounding;  // rz, rne, rna, ru, rd, "unobservable" or "unknown"
  std::optional<bool> operand_exponents;
  std::optional<int> output_fraction_bits;  // set where the result keeps fewer than `out` has
  std::optional<int> zero_exponent;         // where zero terms align (MMA-Sim's e_zero)
  // No zero exponent was seen with the leading term as low as 2^zeros_tested_down_to.
  std::optional<int> zeros_tested_down_to;
  std::optional<int> c_after_bits;  // c_after: fraction bits of the final fixed-point sum
  int group = 0;                    // scaled units: products summed exactly per group (1: none)
  // group_scaled: a group of zero products aligned at its scales' exponents (nullopt: the
  // scale format cannot move the window far enough to show it)
  std::optional<bool> zero_group_at_scales;
  std::optional<bool> subnormal_inputs, subnormal_outputs;  // nullopt: not testable here
  std::optional<bool> c_in_block;
  std::optional<bool> signed_zero;      // -0 products and C = -0 give -0
  std::optional<bool> tf32_nan_to_inf;  // tf32 inputs: a NaN with low payload read as inf
  std::optional<uint64_t> nan_bits;     // the result of NaN * 1 (nullopt: no NaN input)
  bool monotone = true;
  std::string monotone_counterexample;
  std::string tree;
};

ProbeResult probe(const MatrixUnit& unit, uint64_t seed = 1);

}  // namespace numguard
