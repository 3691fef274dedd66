// The cross-entropy loss of the CPU kernels and their mutants, in fp32 with fp32math's exp and
// log: per row a two-pass logsumexp (NaN-propagating max, s = sum of exp(x - max) in the
// recipe's order, lse = max + log s) minus the target's logit, then the batch mean: a
// sequential fp32 sum of the row losses divided by float(m).
#pragma once

#include <optional>

#include "harness/core/kernel.h"

namespace numguard::kernels {

struct CrossEntropyAlgo {
  Accumulation shape{};  // order of each row's sum of exponentials
  // Mutant switch: every partial sum of the batch rounded into this format.
  std::optional<Format> batch_stage;
};

// p.a: m x n logits, p.lengths: m targets; out: one element.
void cross_entropy(const CrossEntropyAlgo& algo, const Problem& p, Tensor& out);

}  // namespace numguard::kernels
