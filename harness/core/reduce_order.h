// The orders in which the row kernels combine per-element states (Recipe::shape): sequential,
// or strided over `lanes` threads followed by the butterfly tree a warp shuffle reduction
// makes (lane l combines with lane l + off for off = lanes/2 .. 1; lane 0 holds the result).
// Kernels and their bounds both walk this one definition.
#pragma once

#include <cstdint>
#include <vector>

#include "harness/core/recipe.h"

namespace numguard {

template <class State, class Leaf, class Step, class Combine>
State reduce_in_order(const Accumulation& a, int64_t n, State init, Leaf leaf, Step step,
                      Combine combine) {
  if (a.order != Order::strided || a.lanes <= 1) {
    State s = init;
    for (int64_t i = 0; i < n; ++i) s = step(s, leaf(i));
    return s;
  }
  std::vector<State> lane(static_cast<size_t>(a.lanes), init);
  for (int64_t i = 0; i < n; ++i) {
    State& s = lane[static_cast<size_t>(i % a.lanes)];
    s = step(s, leaf(i));
  }
  for (int off = a.lanes / 2; off >= 1; off /= 2)
    for (int l = 0; l < off; ++l)
      lane[static_cast<size_t>(l)] =
          combine(lane[static_cast<size_t>(l)], lane[static_cast<size_t>(l + off)]);
  return lane[0];
}

}  // namespace numguard
