// Coverage signals for libFuzzer from what a check found. libFuzzer keeps an input when it
// reaches code no earlier input reached, but it sees only code compiled with
// -fsanitize=fuzzer: this target, not the engine or the kernels (built once for every
// consumer). So the target reaches one distinct function per kernel, per verdict and per
// binade of the worst error/bound ratio: an input that brings a kernel closer to its bound
// counts as new coverage, stays in the corpus and is mutated further. In builds without
// coverage instrumentation these are empty calls.
#pragma once

#include <array>
#include <utility>

namespace numguard::fuzz {
namespace detail {

inline constexpr int kSignals = 512;

template <int N>
[[gnu::noinline]] void reached() {
  asm volatile("" ::: "memory");  // keeps each function distinct and uninlined
}

template <int... N>
constexpr std::array<void (*)(), sizeof...(N)> signal_table(std::integer_sequence<int, N...>) {
  return {&reached<N>...};
}

}  // namespace detail

// Reaches signal `i` (taken modulo the table size).
inline void reach(int i) {
  static constexpr auto kTable =
      detail::signal_table(std::make_integer_sequence<int, detail::kSignals>());
  kTable[static_cast<size_t>(i) % kTable.size()]();
}

// Signal ranges, so that the groups never share a function.
inline constexpr int kVerdictSignals = 0;   // 0 .. 15
inline constexpr int kRatioSignals = 16;    // 16 .. 127: binades of error / bound
inline constexpr int kKernelSignals = 128;  // 128 .. 511: kernel index

}  // namespace numguard::fuzz
