// The softmax algorithms of the CPU kernels, their mutants and the CUDA twins, one row at a
// time in fp32 with fp32math's exp and log (kernels_under_test/cpu/fp32_math.h):
// - two_pass: max (NaN-propagating), then s = sum of exp(x - max), both in the recipe's order
//   (the max in that order too, so the sign of a zero max and the NaN a row keeps are a
//   warp's: twins of kernels_under_test/cuda/softmax.cu), then y = exp(x - max) / s, or
//   (x - max) - log s.
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
  // two_pass, strided: the sum's butterfly repeats its next-to-last offset (lanes/2, ..., 2, 2)
  // instead of ending at 1, every lane adding its xor partner, so the odd lanes never count.
  bool repeated_last_offset = false;
  // The stage format rounds only the numerators of the division; the sum adds the unrounded
  // exponentials (explain's stage=F, a kernel that writes exp(x - max) to a narrow buffer but
  // reduces in registers).
  bool stage_numerator_only = false;
  // Rows with no finite max (every logit -inf: a fully masked row) give zeros, where PyTorch's
  // softmax gives NaN (0 / 0) and the kernel declares NaN: a masked-row guard copied from
  // attention kernels into a softmax that promises framework semantics.
  bool zero_empty_rows = false;
};

// Every row of p.a (m x n) into out (m x n).
void softmax_rows(const SoftmaxAlgo& algo, const Problem& p, Tensor& out);

}  // namespace numguard::kernels
