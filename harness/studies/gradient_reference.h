// The reference of the gradients study: the stack of gradient_network.h on the same inputs,
// targets and weights (the values the recipe's tensors hold), every operation in fp64 with
// the exact formulas (GELU through erfc, two-pass LayerNorm statistics). A second evaluation
// in x87 extended precision (64-bit significand) measures how far the fp64 reference itself
// is from the exact network (docs/studies-gradients.md).
#pragma once

#include <vector>

#include "harness/studies/gradient_network.h"

namespace numguard::studies {

struct ReferenceGradients {
  std::vector<std::vector<double>> dx;  // dL/dx_l, l = 0 .. depth-1 (batch x width, row-major)
  std::vector<std::vector<double>> dw;  // dL/dW_l (width x width)
};

// Unscaled gradients (loss scale 1).
ReferenceGradients reference_gradients(const StackShape& s, const StackWeights& w,
                                       const StackBatch& b);
// The same in long double, rounded to double at the end.
ReferenceGradients reference_gradients_extended(const StackShape& s, const StackWeights& w,
                                                const StackBatch& b);

// True where long double carries at least 64 significand bits (x87 extended, or binary128):
// only then does the second evaluation measure the fp64 reference's error.
bool extended_reference_available();

// max over layers and over dx, dw of ||a - b|| / ||b|| (0 where b is all zero).
double max_relative_difference(const ReferenceGradients& a, const ReferenceGradients& b);

}  // namespace numguard::studies
