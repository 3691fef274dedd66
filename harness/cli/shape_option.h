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

// --shape (repeatable) into `shapes`, --shapes NAME (a named set, shape_sets.h) into `set`.
void add_shape_option(CLI::App& app, std::vector<std::string>& shapes, std::string& set);

// Sets the run's shapes; throws UsageError (one line, with the form the op takes) when a shape
// does not fit the op of one of `kernels`, or the set is unknown or covers none of their ops.
// Returns the kernels to run: with a set, those whose op it covers (one line on stderr names
// the ops left out).
std::vector<const KernelDesc*> apply_shapes(const std::vector<std::string>& shapes,
                                            const std::string& set,
                                            const std::vector<const KernelDesc*>& kernels);

}  // namespace numguard::cli
