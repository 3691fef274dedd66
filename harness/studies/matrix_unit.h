// A matrix unit seen from outside: something that computes d = c + sum_i a_i b_i for bit
// patterns of an input format and an output (accumulator) format. The probe only talks to
// this interface, so the same feature tests run against the CPU tensor-core model, the GPU's
// mma.sync and cuBLAS.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>

#include "harness/core/format.h"

namespace numguard {

namespace tc {
struct Instruction;
}

struct MatrixUnit {
  using Bits = std::span<const uint64_t>;
  std::string name;  // e.g. "model:hopper", "cuda:mma.sync", "cublas"
  Format in = Format::fp16;
  std::optional<Format> in_b;  // B's format where it differs from A's (mixed fp8)
  Format out = Format::fp32;
  int max_k = 64;  // longest dot product the unit accepts
  // a and b hold the same number (<= max_k) of `in` patterns; c and the result are `out`.
  std::function<uint64_t(Bits a, Bits b, uint64_t c)> dot;
  // Block-scaled units: one scale (a pattern of `scale`) per scale_block elements of a and of
  // b; `dot` then runs with unit scales.
  int scale_block = 0;
  Format scale = Format::e8m0;
  std::function<uint64_t(Bits a, Bits b, Bits scale_a, Bits scale_b, uint64_t c)> scaled_dot;

  Format b_format() const { return in_b.value_or(in); }
  bool scaled() const { return scale_block > 0 && scaled_dot != nullptr; }
};

// The CPU tensor-core model with one architecture's preset for (in, out).
MatrixUnit model_unit(const std::string& arch, Format in, Format out);
// The CPU model of one instruction row (docs/REFERENCE.md, "Presets per instruction").
MatrixUnit instruction_unit(const tc::Instruction& row);

}  // namespace numguard
