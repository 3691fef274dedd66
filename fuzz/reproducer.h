// What fuzz_gemm prints before it aborts on a failing case: one line that replays it, then
// the kernel, shape, verdict and worst element (reference, output, error, bound), and the
// first terms of that element, as CUTLASS's host tests dump inputs on failure.
#pragma once

#include <cstdio>
#include <string>

#include "fuzz/gemm_input.h"
#include "harness/engine/check_runner.h"

namespace numguard::fuzz {

// Where the failing input lives and how to run it again.
struct ReplayContext {
  std::string program;     // argv[0] of the running binary
  std::string pin;         // NUMGUARD_FUZZ_KERNEL, "" when unpinned
  std::string input_path;  // the file being replayed, when known (set by fuzz_gemm_replay)
  std::string artifact;    // libFuzzer: the path it writes the input to on abort
  bool under_libfuzzer = false;
};

// `output` is the kernel's output; `what` is empty for a verdict failure and the exception's
// message when the kernel or the check threw.
void print_reproducer(std::FILE* out, const ReplayContext& ctx, const GemmInput& in,
                      const CaseOutcome& c, const Tensor& output, const std::string& what);

}  // namespace numguard::fuzz
