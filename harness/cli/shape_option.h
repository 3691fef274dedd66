// `--shape SPEC` (repeatable) for the verbs that draw cases (check, explain): the run's shapes
// (harness/engine/case_shapes.h), checked against the op of every selected kernel.
#pragma once

#include <string>
#include <vector>

#include "harness/core/kernel.h"

namespace CLI {
class App;
}

namespace numguard::cli {

void add_shape_option(CLI::App& app, std::vector<std::string>& shapes);

// Sets the run's shapes; throws UsageError (one line, with the form the op takes) when a shape
// does not fit the op of one of `kernels`.
void apply_shapes(const std::vector<std::string>& shapes,
                  const std::vector<const KernelDesc*>& kernels);

}  // namespace numguard::cli
