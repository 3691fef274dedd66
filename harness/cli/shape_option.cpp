#include "harness/cli/shape_option.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>

#include "harness/cli/verb.h"
#include "harness/engine/case_shapes.h"
#include "harness/engine/op.h"
#include "harness/engine/shape_sets.h"

namespace numguard::cli {

void add_shape_option(CLI::App& app, std::vector<std::string>& shapes, std::string& set) {
  std::string names;
  for (const ShapeSet& s : shape_sets()) names += (names.empty() ? "" : ", ") + s.name;
  app.add_option("--shapes", set,
                 "Draw every case at the shapes a documented model runs the op at (" + names +
                     "; docs/INPUTS.md cites each); kernels of ops the set does not cover are "
                     "left out")
      ->type_name("NAME");
  app.add_option("--shape", shapes,
                 "Draw every case at this shape instead of the generators' small ones: the op's "
                 "dimensions joined by 'x' (gemm MxNxK, row ops MxN, sum MxK, dot K, attention "
                 "MxNxK; `numguard ops` says what each is). Repeatable: case I uses shape "
                 "(I / generators) % shapes")
      ->type_name("SHAPE");
}

std::vector<const KernelDesc*> apply_shapes(const std::vector<std::string>& shapes,
                                            const std::string& set,
                                            const std::vector<const KernelDesc*>& kernels) {
  if (!set.empty()) {
    if (!shapes.empty()) throw UsageError("--shapes gives the shapes; drop --shape");
    const ShapeSet* s = find_shape_set(set);
    if (!s) {
      std::string names;
      for (const ShapeSet& x : shape_sets()) names += (names.empty() ? "" : ", ") + x.name;
      throw UsageError("--shapes: no shape set '" + set + "' (known: " + names + ")");
    }
    std::vector<const KernelDesc*> covered;
    std::vector<std::string> left_out;
    for (const KernelDesc* k : kernels) {
      if (!set_shapes(*s, k->op).empty())
        covered.push_back(k);
      else if (std::find(left_out.begin(), left_out.end(), k->op) == left_out.end())
        left_out.push_back(k->op);
    }
    if (covered.empty())
      throw UsageError("--shapes " + set + " has no shapes for " +
                       (left_out.size() == 1 ? "op " + left_out.front() : "the selected ops"));
    if (!left_out.empty()) {
      std::string ops;
      for (const std::string& o : left_out) ops += (ops.empty() ? "" : ", ") + o;
      fmt::print(stderr, "numguard: --shapes {} has no shapes for {}; those kernels are left out\n",
                 set, ops);
    }
    set_case_shape_set(s);
    return covered;
  }
  for (const KernelDesc* k : kernels)
    for (const std::string& s : shapes) {
      const OpInfo* op = find_op(k->op);
      const std::string error = op ? parse_shape(*op, s, nullptr) : "unknown op " + k->op;
      if (!error.empty()) throw UsageError(error + " (kernel " + k->name + ")");
    }
  set_case_shapes(shapes);
  return kernels;
}

}  // namespace numguard::cli
