// The softmax algorithms of the CPU kernels, their mutants and the CUDA twins, one row at a
// time in fp32 with fp32math's exp and log (kernels_under_test/cpu/fp32_math.h):
// - two_pass: max (NaN-propagating), then s = sum of exp(x - max) in the recipe's order,
//   then y = exp(x - max) / s, or (x - max) - log s.
// - online (Milakov and Gimelshein 2018): one pass keeping (m, s); a larger x rescales the
//   sum, s = s * exp(m - x) + 1; states combine as s1 exp(m1 - M) + s2 exp(m2 - M).
// - no_max: exp(x) directly, staged in `stage`: fine while exp(x) fits the stage format.
#pragma once

#include <optional>

#include "harness/core/kernel.h"

namespace numguard::kernels {

struct SoftmaxAlgo {
  Method method = Method::two_pass;
  Accumulation shape{};
  std::optional<Format> stage;  // exp values stored in this format before the sum
  bool log = false;
  // Mutant switches.
  bool rescale = true;  // online: rescale the running sum when the max grows
};

// Every row of p.a (m x n) into out (m x n).
void softmax_rows(const SoftmaxAlgo& algo, const Problem& p, Tensor& out);

}  // namespace numguard::kernels
