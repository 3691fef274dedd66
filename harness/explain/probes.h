// Discriminating probes: when several hypotheses fit the check's cases equally well (a
// flushed subnormal product beside normal ones changes no bit; DAZ and FTZ agree wherever no
// input is subnormal), explain designs experiments as a person with probe programs would. It
// draws candidate cases from the op's generators with the inputs scaled by powers of two (into
// the subnormal and overflow ranges), keeps those on which the tied hypotheses' models predict
// different outputs, runs the kernel on them and counts, per hypothesis, the probes whose
// output its model reproduces bit for bit.
#pragma once

#include <cstdint>
#include <vector>

#include "harness/explain/hypothesis.h"

namespace numguard::explain {

struct ProbeResult {
  int64_t probes = 0;          // discriminating cases run on the kernel
  std::vector<int64_t> agree;  // per tied hypothesis: probes it reproduced
};

// `tied`: the hypotheses to separate (at least two). Deterministic in seed.
ProbeResult run_probes(const KernelDesc& k, const std::vector<const Hypothesis*>& tied,
                       uint64_t seed);

}  // namespace numguard::explain
