// One check of a recipe's parameters and of how they combine, run on every kernel when the
// registry is built (built-in and plugin kernels alike): a recipe that passes derives a
// finite bound in bounded time for every problem (harness/engine/bound.h), and one that
// does not is refused with a message naming the field, its value and what is allowed.
#pragma once

#include <optional>
#include <string>

#include "harness/core/recipe.h"

namespace numguard {

// Largest block, fan-in, split count and lane count a recipe may declare: beyond any
// hardware's and far beyond what the bound's arithmetic needs to stay exact in int64.
inline constexpr int kMaxRecipeParameter = 1 << 20;
// fused_block's kept fraction bits: the tensor-core model's range (references/).
inline constexpr int kMaxFracBits = 52;
// fused_block's block (the tensor-core model sums at most 64 products and C exactly).
inline constexpr int kMaxFusedBlock = 64;

struct RecipeProblem {
  std::string field;         // "order", "block", "frac_bits", ... (the list --json name)
  std::string value;         // the value declared, as text
  std::string allowed;       // what is allowed, in a few words
  std::string line() const;  // "block = 0: blocked needs block >= 1"
};

// The first problem of r, or nullopt when r is valid.
std::optional<RecipeProblem> validate(const Recipe& r);

}  // namespace numguard
