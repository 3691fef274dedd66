// A matrix unit seen from outside: something that computes d = c + sum_i a_i b_i for bit
// patterns of an input format and an output (accumulator) format. The probe only talks to
// this interface, so the same feature tests run against the CPU tensor-core model, the GPU's
// mma.sync and cuBLAS.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "harness/core/format.h"

namespace numguard {

struct MatrixUnit {
  std::string name;  // e.g. "model:hopper", "cuda:mma.sync", "cublas"
  Format in = Format::fp16;
  Format out = Format::fp32;
  int max_k = 64;  // longest dot product the unit accepts
  // a and b hold the same number (<= max_k) of `in` patterns; c and the result are `out`.
  std::function<uint64_t(std::span<const uint64_t> a, std::span<const uint64_t> b, uint64_t c)> dot;
};

// The CPU tensor-core model with one architecture's preset for (in, out).
MatrixUnit model_unit(const std::string& arch, Format in, Format out);

}  // namespace numguard
