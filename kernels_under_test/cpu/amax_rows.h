// Per-row max |x| (the amax that fp8 scaling factors are computed from), in the recipe's
// order: a max rounds nothing, so every order gives the exact result, and a NaN anywhere in
// the row makes the row's result NaN.
#pragma once

#include "harness/core/kernel.h"

namespace numguard::kernels {

struct AmaxAlgo {
  Accumulation shape{};
  // Mutant switch: false gives fmaxf's semantics (a NaN operand is ignored).
  bool propagate_nan = true;
};

// Every row of p.a (m x n) into out (m values, the input format).
void amax_rows(const AmaxAlgo& algo, const Problem& p, Tensor& out);

}  // namespace numguard::kernels
