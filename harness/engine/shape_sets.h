// Named shape sets (`--shapes NAME`): the shapes a documented model runs each op at, so that a
// kernel is checked where it ships without the user working them out. Each set cites where
// its numbers come from (docs/INPUTS.md lists them with the sources); an op the set has no
// shapes for is left out of a run that uses the set.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace numguard {

struct ShapeSet {
  std::string name;     // "llm-7b"
  std::string summary;  // one line: the model and the configuration used
  std::string source;   // where the dimensions come from
  // Per op name, the shapes in `--shape` syntax (case_shapes.h), with what each one is.
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>> ops;
};

const std::vector<ShapeSet>& shape_sets();
const ShapeSet* find_shape_set(std::string_view name);
// The set's shapes for `op` (empty: the set does not cover the op).
std::vector<std::string> set_shapes(const ShapeSet& s, std::string_view op);

}  // namespace numguard
