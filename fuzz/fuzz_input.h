// The input of the generic fuzz target numguard-fuzz: byte 0 chooses the kernel among the
// candidates (names sorted, as the registry lists them); the rest decodes in the layout the
// kernel's op declares (OpInfo::fuzz): fuzz/gemm_input.h for explicit_shape (the shape and
// every element's bits come from the bytes: dot, sum, sumsq, gemm) and fuzz/op_input.h for
// generated (structure from the op's own generator and seed, values from the bytes). Every
// non-empty input decodes.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "fuzz/gemm_input.h"

namespace numguard::fuzz {

struct FuzzCase {
  const KernelDesc* kernel = nullptr;
  Problem problem;
  std::string how;  // the decoded header in words, for reproducers and verbose runs
};

// Whether k's op lays its inputs out explicitly (fuzz/gemm_input.h) rather than generated.
bool explicit_layout(const KernelDesc& k);

// The kernels numguard-fuzz chooses from. A pin (comma-separated names or globs): what it
// matches, mutants included, and can run here. Otherwise a family (the per-family wrappers,
// fuzz/families.txt): the correct kernels of the ops whose FuzzSpec names it that can run
// here. Neither: every correct CPU kernel (the built-in ones and the plugins' ones).
Candidates fuzz_candidates(const std::string& pin, const std::string& family = "");

// The families the op table's entries name, sorted.
std::vector<std::string> fuzz_families();

std::optional<FuzzCase> decode_fuzz_input(std::span<const uint8_t> data,
                                          std::span<const KernelDesc* const> kernels);

}  // namespace numguard::fuzz
