// A recipe against the op it is declared for: the fields the op's reference and bound do not
// read (OpInfo::recipe_use) must keep their defaults, so that no declaration is silently
// ignored. Checked for every kernel when the registry is built, after validate(Recipe).
#pragma once

#include <optional>

#include "harness/core/recipe_validation.h"
#include "harness/engine/op.h"

namespace numguard {

// The first field of r that `op` does not read but r sets, or nullopt.
std::optional<RecipeProblem> unread_by_op(const Recipe& r, const OpInfo& op);

}  // namespace numguard
