// The op table (PyTorch OpInfo's idea): each row or elementwise op is declared once, with its
// case generators, its exact reference, its per-element bound derived from the kernel's
// recipe and its output shape; the check runner, the CLI, the properties and the fuzz targets
// run over the table. The reduction family (dot, sum, sumsq, gemm) predates it and keeps its
// own path (reduction_reference.h, generators.h, bound.h).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/kernel.h"
#include "harness/engine/random.h"

namespace numguard {

// One output element of one case, judged against its reference.
struct OpElement {
  double value = 0;     // the exact result rounded to double (NaN / inf as IEEE propagates)
  double bound = 0;     // derived bound on |output - value|
  double estimate = 0;  // probabilistic estimate (reported, never used to fail)
  double scale = 0;     // the magnitude the bound scales with (domain reach)
  std::string domain;   // why the element lies outside the kernel's promise, "" inside
};

struct OpInfo {
  std::string name;
  std::string operands;  // what a, b, c, d, lengths and scalars hold
  // Builds one case of the named generator (the names of reduction_generators(), each with
  // this op's meaning); shapes and values depend only on the rng and the recipe.
  std::function<Problem(const KernelDesc&, Rng&, std::string_view generator)> make;
  std::function<std::vector<int64_t>(const Problem&)> out_shape;
  // The reference, bound and domain of every output element.
  std::function<std::vector<OpElement>(const Recipe&, const Problem&)> judge;
  // Which output elements an element depends on, for the case printer: the row it reads.
  std::function<std::string(const Problem&, size_t element)> describe;
};

// Every op of the table, in a fixed order.
const std::vector<const OpInfo*>& op_table();
// The op named `name`, or nullptr for the reduction family and unknown names.
const OpInfo* find_op(std::string_view name);

}  // namespace numguard
