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

// A GenDot problem (Ogita, Rump, Oishi 2005) of length n at target condition `cond` for kernel
// kd's input format (a sum with y = 1 for sum and sumsq, else a dot: m = n = 1, k = n). At a
// fixed exponent spread the achieved condition grows about linearly with n, so the spread is
// corrected from the measured condition between attempts (at most 8); the attempt closest to
// the target is returned and *achieved (if given) receives its exact condition.
Problem gendot_problem(const KernelDesc& kd, Rng& r, int64_t n, double cond,
                       double* achieved = nullptr);
// cond = 2 sum |x_i y_i| / |sum x_i y_i| of a (and b, unless empty), the sum exact.
double dot_condition(const Problem& p);

}  // namespace numguard
