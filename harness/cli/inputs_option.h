// `--inputs FILE|DIR` and `--as bf16|fp16` for the verbs that run cases (check, explain): the
// user's own tensors as the run's cases (harness/engine/user_inputs.h), fitted to the op of
// every selected kernel before anything runs.
#pragma once

#include <string>
#include <vector>

#include "harness/core/kernel.h"

namespace CLI {
class App;
}

namespace numguard::cli {

struct InputsRequest {
  std::string path;  // "" when --inputs is not given
  std::string as;    // "", "bf16" or "fp16"
};

void add_inputs_option(CLI::App& app, InputsRequest& r);

// Loads the files and builds every case for every kernel; throws UsageError (one line) when a
// file cannot be read or does not fit a kernel's op, or when --shape is given too. Prints one
// "inputs" line per file and per conversion into a kernel's format. Returns the case count
// (0 without --inputs).
int64_t apply_inputs(const InputsRequest& r, const std::vector<std::string>& shapes,
                     const std::vector<const KernelDesc*>& kernels);

}  // namespace numguard::cli
