#include "harness/cli/shape_option.h"

#include <CLI/CLI.hpp>

#include "harness/cli/verb.h"
#include "harness/engine/case_shapes.h"
#include "harness/engine/op.h"

namespace numguard::cli {

void add_shape_option(CLI::App& app, std::vector<std::string>& shapes) {
  app.add_option("--shape", shapes,
                 "Draw every case at this shape instead of the generators' small ones: the op's "
                 "dimensions joined by 'x' (gemm MxNxK, row ops MxN, sum MxK, dot K, attention "
                 "MxNxK; `numguard ops` says what each is). Repeatable: case I uses shape "
                 "(I / generators) % shapes")
      ->type_name("SHAPE");
}

void apply_shapes(const std::vector<std::string>& shapes,
                  const std::vector<const KernelDesc*>& kernels) {
  for (const KernelDesc* k : kernels)
    for (const std::string& s : shapes) {
      const OpInfo* op = find_op(k->op);
      const std::string error = op ? parse_shape(*op, s, nullptr) : "unknown op " + k->op;
      if (!error.empty()) throw UsageError(error + " (kernel " + k->name + ")");
    }
  set_case_shapes(shapes);
}

}  // namespace numguard::cli
