#include "harness/engine/generators.h"

#include <vector>

#include "harness/core/rounding.h"

namespace numguard {
namespace {

const std::vector<Generator>& table() {
  static const std::vector<Generator> t = {
      {"uniform", "values uniform at the op's scale ([-1, 1] for the reductions)"},
      {"normal", "normal values at the op's scale"},
      {"positive", "non-negative values: no cancellation"},
      {"log_uniform", "sign, exponent and significand uniform over the input format"},
      {"near_overflow", "magnitudes near the overflow of the formats the recipe passes through"},
      {"subnormal_heavy", "70% subnormal inputs"},
      {"small_integers", "small integers: sums exact in the recipe where the op allows it"},
      {"ill_conditioned", "cancellation: ill-conditioned sums, large offsets, small spreads"},
      {"special", "+-0, +-inf and NaN planted among ordinary values"},
      {"tile_edges",
       "lengths at 0 or 1, tile, block and lane multiples +-1, and primes; GEMMs: M and N "
       "around 8, 16 and 32 in half the cases"},
      // Appended, so that the case indices of the others (I mod their number) stay as they
      // were for I below 10 (api_corners) and 11 (transformer).
      {"api_corners",
       "API corner semantics: BLAS alpha = 0 / beta = 0 with NaN or inf in the operand not "
       "read, beta = 1, K = 0, empty M or N; rows of all -inf, a single NaN or inf, constant "
       "(zero-variance) rows, fully masked attention rows"},
      {"transformer",
       "values of a trained transformer layer: activations with outlier channels 10-1000x the "
       "rest (and massive activations), post-softmax probabilities with attention sinks, "
       "attention logits, weights at initialization scales (docs/INPUTS.md)"},
  };
  return t;
}

}  // namespace

std::span<const Generator> case_generators() {
  return table();
}

const Generator* find_generator(std::string_view name) {
  for (const auto& g : table())
    if (g.name == name) return &g;
  return nullptr;
}

uint64_t to_bits(Format f, double x) {
  return round_double(f, x).bits;
}

}  // namespace numguard
