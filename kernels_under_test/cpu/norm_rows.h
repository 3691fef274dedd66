// The norm algorithms of the CPU kernels, their mutants and the CUDA twins, one row at a
// time in fp32 (inputs decoded exactly, outputs rounded into out's format). Every row sum
// walks reduce_in_order(shape), so a sequential CPU kernel and a warp-per-row CUDA kernel
// (strided, 32 lanes) are the same code. The formulas, left to right as written:
// - rmsnorm: ss = sum x x; ms = ss / n; r = 1 / sqrtf(ms + eps); y = (x r) gamma.
// - layernorm two_pass: mean = (sum x) / n; d = x - mean; var = (sum d d) / n;
//   r = 1 / sqrtf(var + eps); y = (d r) gamma + beta.
// - layernorm welford: per-lane (c, mean, M2) with Welford's update, lanes combined by Chan
//   et al.; var = M2 / n; y = ((x - mean) r) gamma + beta.
// - backward (stats recomputed as forward): xhat = d r, g = gamma dy, A = sum g,
//   B = sum g xhat; dx = r ((g - A/n) - xhat (B/n)) (rms: r (g - xhat (B/n)));
//   dgamma_j = sum over rows of dy xhat, dbeta_j = sum over rows of dy, rows in order.
#pragma once

#include <optional>

#include "harness/core/kernel.h"

namespace numguard::kernels {

struct NormAlgo {
  Method method = Method::two_pass;  // two_pass or welford (layernorm); ignored for rms
  Accumulation shape{};
  bool rms = false;
  // Mutant switches.
  bool naive_variance = false;      // var = (sum x x)/n - mean mean, one pass in fp32
  std::optional<Format> eps_add;    // var + eps computed in this format (both rounded into it)
  std::optional<Format> sumsq_acc;  // rms: each partial sum of squares rounded into this format
  // welford: the combine weights both sides as if they held a.c elements (mean += delta / 2,
  // M2 += delta^2 a.c / 2): the CUDA equal-count mutant's twin.
  bool equal_count_combine = false;
  // welford: the combine adds the two M2s and forgets the delta^2 a.c b.c / (a.c + b.c) term
  // (explain's welford_merge_without_delta).
  bool combine_without_delta = false;
  // rstd = 1 / (sqrt(var) + eps) instead of 1 / sqrt(var + eps) (explain's formula variant).
  bool eps_outside_sqrt = false;
};

// a = x (m x n), b = gamma (n), c = beta (n, layernorm), scalars[0] = eps; out m x n.
void norm_rows(const NormAlgo& algo, const Problem& p, Tensor& out);

// a = x, b = gamma, c = dy (m x n), scalars[0] = eps; out = dx (m n), dgamma (n) and, for
// layernorm, dbeta (n).
void norm_backward_rows(const NormAlgo& algo, const Problem& p, Tensor& out);

}  // namespace numguard::kernels
