// A feature-targeted probe of a matrix unit, after Fasi, Higham, Mikaitis & Pranesh (2021)
// and FTTN (Li et al. 2024), with FPRev-style revelation of the block structure (Xie et al.
// 2025). Each feature is measured with inputs whose exact result is representable, so the
// answer depends on the unit's arithmetic alone:
//   products_exact     (1 + 2^-h)^2 needs 2h + 1 bits: kept whole or not
//   fraction_bits f    +2^m, -2^m and 2^(m-k) in one block: the small term survives iff k <= f
//   block b            +2^m, -2^m at positions 0, 1 and 2^(m-f-2) at position j: it survives
//                      iff j starts a new block (the cancelled block leaves C = 0)
//   final_rounding     ties and directed cases of 2 + 3 ulp/2 and 2 + ulp/2 in the output
//   c_in_block         C = 1 with a term below the alignment window: truncated only if C
//                      takes part in the alignment
//   subnormal_inputs / subnormal_outputs, monotone (random single-ulp increases), tree
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/studies/matrix_unit.h"

namespace numguard {

struct ProbeResult {
  std::string unit;
  Format in = Format::fp16, out = Format::fp32;
  bool products_exact = false;
  int block = 0;           // 0: not found within max_k
  int fraction_bits = -1;  // -1: not found
  // Every tiny term the input format can express survived: f is at least fraction_bits (the
  // unit may sum exactly, or sequentially in a wide format, and shows no block truncation).
  bool fraction_bits_lower_bound = false;
  std::string final_rounding;                               // rz, rne, rna, ru, rd, or "unknown"
  std::optional<bool> subnormal_inputs, subnormal_outputs;  // nullopt: not testable here
  std::optional<bool> c_in_block;
  bool monotone = true;
  std::string monotone_counterexample;
  std::string tree;
};

ProbeResult probe(const MatrixUnit& unit, uint64_t seed = 1);

}  // namespace numguard
