// The input of the generic fuzz target numguard-fuzz: byte 0 chooses the kernel among the
// candidates (names sorted, as select_kernels returns them); the rest decodes by the kernel's
// op, in the two layouts of fuzz/gemm_input.h (dot, sum, sumsq, gemm: the shape and every
// element's bits come from the bytes) and fuzz/op_input.h (the op-table ops: structure from
// the op's own generator and seed, values from the bytes). Every non-empty input decodes.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "fuzz/gemm_input.h"

namespace numguard::fuzz {

struct FuzzCase {
  const KernelDesc* kernel = nullptr;
  Problem problem;
  std::string how;  // the decoded header in words, for reproducers and verbose runs
};

bool reduction_family(const KernelDesc& k);

// The kernels numguard-fuzz chooses from: unpinned, every correct CPU kernel (the built-in
// ones and the plugins' ones); pinned, what the pin matches (mutants included) and can run here.
Candidates fuzz_candidates(const std::string& pin);

std::optional<FuzzCase> decode_fuzz_input(std::span<const uint8_t> data,
                                          std::span<const KernelDesc* const> kernels);

}  // namespace numguard::fuzz
