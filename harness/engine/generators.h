// Named input generators for the reduction family (dot, sum, gemm). A generator builds one
// Problem in the kernel's input format from an Rng; shapes and values depend only on the
// rng, the op and the recipe (tile sizes, accumulator precision), never on the kernel's code.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/kernel.h"
#include "harness/engine/random.h"

namespace numguard {

struct Generator {
  std::string name;
  std::string description;
  std::function<Problem(const KernelDesc&, Rng&)> make;
};

// All reduction-family generators, in a fixed order (case i uses generator i % count).
std::span<const Generator> reduction_generators();
const Generator* find_generator(std::string_view name);

// Rounds x into f (RNE) and returns the bits: how generators place values in a format.
uint64_t to_bits(Format f, double x);

}  // namespace numguard
