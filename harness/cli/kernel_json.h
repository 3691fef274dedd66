// The JSON form of a kernel descriptor and its recipe, as `numguard list --json` prints it
// (keys documented in README.md). Every recipe field is present for every kernel, also the
// ones its order does not use (0 then), so that a reader needs no per-order schema.
#pragma once

#include <nlohmann/json.hpp>

#include "harness/core/kernel.h"

namespace numguard::cli {

nlohmann::json recipe_json(const Recipe& r);
nlohmann::json kernel_json(const KernelDesc& k);

}  // namespace numguard::cli
