// The exact reference of a reduction-family problem, per output element: the exact value
// (fixed-point accumulator, references/exact_accumulator.h) and the absolute sum
// S = |alpha| sum |a_i b_i| + |beta c| that the recipe's bound scales with.
#pragma once

#include <vector>

#include "harness/core/kernel.h"
#include "harness/core/rounding.h"

namespace numguard::ops {

struct ElementReference {
  Unpacked exact;           // exact result (NaN / inf by IEEE rules)
  double value = 0;         // exact result rounded to double (2^-53 relative)
  double sum_abs = 0;       // S over the finite terms, rounded up
  double acc_abs = 0;       // sum |a_i b_i| alone (unscaled by alpha): what the accumulator holds
  double max_abs_term = 0;  // largest |a_i b_i|
  bool nonfinite_input = false;
};

// `products`: alpha a b + beta c (dot, gemm); otherwise the sums of a's rows, of their squares
// when `squares` (sum, sumsq). With `elements` (sampled verification, output_sample.h): only
// those output elements, in their order.
std::vector<ElementReference> reduction_reference(const Problem& p, bool products,
                                                  bool squares = false,
                                                  const std::vector<size_t>* elements = nullptr);

}  // namespace numguard::ops
