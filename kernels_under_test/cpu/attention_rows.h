// The attention algorithms of the CPU kernels, their mutants and the CUDA twins: one query row
// at a time, fp32 arithmetic on exactly decoded Q, K, V (a, b, c of the Problem), keys
// j < lengths[i] visible (attention's operand convention, harness/engine/ops/attention_op.cpp).
// - scores: s_j = dot(q_i, k_j) * scale, the dot a sequential fp32 sum from 0 of fp32 products.
// - two_pass ("naive"): mx = max s_j (NaN-propagating); e_j = exp(s_j - mx); l = sum e_j;
//   p_j = e_j / l; y_d = sum_j p_j * v_jd (normalize first, then the weighted sum).
// - tiled (flash attention): key tiles of `block`; per tile mt = max of the tile, mn = max(m,
//   mt), e_j = exp(s_j - mn), ls = sum e_j, pv_d = sum e_j * v_jd (sequential from 0 in the
//   tile); the first tile with a finite max sets l = ls, acc = pv, later ones rescale by
//   corr = exp(m - mn): l = l * corr + ls, acc_d = acc_d * corr + pv_d; y_d = acc_d / l.
// A row with no visible key, or whose visible scores are all -inf, gives zeros.
#pragma once

#include <optional>

#include "harness/core/kernel.h"

namespace numguard::kernels {

struct AttentionAlgo {
  Method method = Method::two_pass;  // two_pass or tiled
  int block = 8;                     // tiled: keys per tile
  // Mutant switches.
  bool guard_empty = true;  // rows without a finite max give zeros (else exp(-inf + inf) = NaN)
  // Mask by value over all n keys instead of excluding the masked ones: -inf (with
  // guard_empty = false: the NaN row) or a finite additive sentinel (the unmasking bug).
  bool mask_by_neg_inf = false;
  std::optional<float> mask_sentinel;
  bool rescale_acc = true;  // tiled: rescale acc (not only l) when the max grows
};

// Every query row of p into out (m x k, format out.format).
void attention_rows(const AttentionAlgo& algo, const Problem& p, Tensor& out);

// The recipe of a correct kernel running `algo` (two_pass or tiled) on inputs of `in`, output
// in `in`: shared by the CPU kernels, the CUDA tiled kernel and its twin
// (cuda/register_attention.cpp), so they cannot declare different recipes.
Recipe attention_recipe(Format in, const AttentionAlgo& algo);

}  // namespace numguard::kernels
