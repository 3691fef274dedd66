// The model a probe's measurements define (tensor_core_probe.h), and the check that it
// reproduces the unit: random vectors through both, bit for bit.
#pragma once

#include <optional>
#include <string>

#include "harness/studies/matrix_unit.h"
#include "harness/studies/tensor_core_probe.h"
#include "references/tensor_core_model.h"

namespace numguard {

// The model the probe's measurements define; nullopt where the datapath is unknown.
std::optional<tc::TcModel> recovered_model(const ProbeResult& r, const MatrixUnit& unit);

struct Verification {
  int trials = 0;
  int disagreements = 0;
  std::string first;  // the first disagreeing vector, readable
};
// Runs `model` and `unit` on `trials` random vectors (random bit patterns of every input, C
// random or zero, lengths up to two blocks, random scales, now and then an inf or NaN) and
// counts the results whose bits differ.
Verification verify(const tc::TcModel& model, const MatrixUnit& unit, uint64_t seed,
                    int trials = 400);

}  // namespace numguard
