// One bias-corrected Adam step (Kingma and Ba 2015, no weight decay) in fp32 on state stored
// in the input format; the formula every adam kernel computes, left to right as written:
//   bc1 = 1 - exp(t * log(b1)),  bc2 = 1 - exp(t * log(b2))  (fp32math: beta^t by t
//   multiplications would cost 10^4 operations per step)
//   m' = b1 * m + (1 - b1) * g;  v' = b2 * v + (1 - b2) * (g * g)
//   mhat = m' / bc1;  vhat = v' / bc2;  w' = w - (lr * mhat) / (sqrt(vhat) + eps)
// w', m' and v' are rounded (RNE) into the output format.
#pragma once

#include <optional>

#include "harness/core/kernel.h"

namespace numguard::kernels {

struct AdamAlgo {
  // Mutant switch: sqrt(vhat), eps and their sum rounded into this format.
  std::optional<Format> denominator;
};

// p.a = w, p.b = g, p.c = m, p.d = v (n each), p.scalars = {lr, beta1, beta2, eps, step};
// out = w' (n), m' (n), v' (n).
void adam_step(const AdamAlgo& algo, const Problem& p, Tensor& out);

}  // namespace numguard::kernels
