// The byte layout of a numguard-fuzz input for the ops of the op table (softmax, norms,
// activations, attention, Adam, ...): one case of the op.
//
//   offset  bytes  field
//   0       1      kernel selector: candidate kernels[byte % count] (names sorted)
//   1       1      generator: case_generators()[byte % 10] builds the shape, the
//                  integer operands (targets, mask lengths) and the scalars
//   2       4      seed of that generator (little-endian u32)
//   6       1      value modes of a, b, c, d (2 bits each): ValueMode, and 0 = keep the
//                  generator's values instead of raw (see kModeKeep)
//   7       1      planted special value (SpecialKind, bits 0-2) into a
//   8       2      its position in a (little-endian u16, mod |a|)
//   10      ...    value stream for the tensors whose mode is not "keep"
//
// Shapes always come from the op's own generator, so every input is a well-formed case
// (integer operands in range, Adam's v >= 0 unless the bytes say otherwise) and libFuzzer
// spends its effort on values; shapes stay within the generators' bounds (rows <= 256).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "fuzz/gemm_input.h"

namespace numguard::fuzz {

inline constexpr size_t kOpHeaderBytes = 10;

struct OpInput {
  const KernelDesc* kernel = nullptr;
  Problem problem;
  std::string generator;
  uint32_t seed = 0;
  uint8_t modes = 0;
};

// The candidate kernels of the ops in `ops` (comma-separated op names); pin as for
// candidate_kernels (fuzz/gemm_input.h).
Candidates op_candidates(const std::string& ops, const std::string& pin);

std::optional<OpInput> decode_op_input(std::span<const uint8_t> data,
                                       std::span<const KernelDesc* const> kernels);

}  // namespace numguard::fuzz
