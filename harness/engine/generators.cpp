#include "harness/engine/generators.h"

#include <vector>

#include "harness/core/rounding.h"

namespace numguard {
namespace {

const std::vector<Generator>& table() {
  static const std::vector<Generator> t = {
      {"uniform", "uniform [-1, 1]"},
      {"normal", "standard normal"},
      {"positive", "uniform [0, 1]: no cancellation"},
      {"log_uniform", "sign, exponent and significand uniform over the input format"},
      {"near_overflow", "positive values whose sum nears the acc/out overflow threshold"},
      {"subnormal_heavy", "70% subnormal inputs"},
      {"small_integers", "integers whose every partial sum is exact in the recipe"},
      {"ill_conditioned", "GenDot (Ogita, Rump, Oishi 2005) at condition 1e2..1e8"},
      {"special", "uniform with +-0, +-inf and NaN planted"},
      {"tile_edges", "K at 0, 1, block multiples +-1 and primes"},
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
