// Deterministic randomness for cases: every case's generator is seeded from (run seed, case
// index) alone, so `--seed S --case I` rebuilds the same inputs on any machine and thread.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>

namespace numguard {

inline uint64_t mix64(uint64_t z) {  // splitmix64 finalizer
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

inline uint64_t case_seed(uint64_t run_seed, uint64_t case_index, uint64_t salt = 0) {
  return mix64(run_seed * 0x9E3779B97F4A7C15ull +
               mix64(case_index + 0x632BE59BD9B4E019ull * (salt + 1)));
}

class Rng {
 public:
  explicit Rng(uint64_t seed) : eng_(seed) {}
  uint64_t bits() { return eng_(); }
  double uniform(double lo, double hi) {
    return lo + (hi - lo) * (static_cast<double>(eng_() >> 11) * 0x1p-53);
  }
  int64_t integer(int64_t lo, int64_t hi) {  // inclusive
    return lo + static_cast<int64_t>(eng_() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool coin(double p = 0.5) { return uniform(0, 1) < p; }
  // Box-Muller on our own uniforms: std::normal_distribution's algorithm differs between
  // standard libraries, and cases must be the same on every machine.
  double normal() {
    const double u1 = uniform(0x1p-53, 1.0), u2 = uniform(0, 1);
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  // Log-uniform integer in [lo, hi], lo >= 1.
  int64_t log_uniform(int64_t lo, int64_t hi) {
    const double l = std::log(static_cast<double>(lo)), h = std::log(static_cast<double>(hi) + 1);
    const auto v = static_cast<int64_t>(std::exp(uniform(l, h)));
    return std::clamp(v, lo, hi);
  }

 private:
  std::mt19937_64 eng_;
};

}  // namespace numguard
