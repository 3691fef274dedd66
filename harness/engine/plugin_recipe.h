// A plugin's declared recipe (numguard_recipe2 and numguard_recipe3, include/numguard/plugin.h)
// read into numguard's Recipe: every field by the name `numguard list --json` prints, every value
// checked against the names numguard knows, and the result validated
// (harness/core/recipe_validation.h).
#pragma once

#include <stdexcept>
#include <string>

#include "harness/core/recipe.h"
#include "include/numguard/plugin.h"

namespace numguard {

// A declaration numguard refuses: what() is "recipe.FIELD = 'VALUE': allowed: ...".
struct BadDeclaration : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Reads c and c3 (throws BadDeclaration naming the field, the value and what is allowed).
Recipe recipe_of(const numguard_recipe2& c, const numguard_recipe3& c3 = {});

// A value as a one-line message shows it: quoted, control characters escaped.
std::string quoted(const char* v);
// A number or a flag as it is, anything else quoted.
std::string shown(const std::string& v);

}  // namespace numguard
