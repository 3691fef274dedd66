// The reduction family: sum, sumsq, dot and gemm. out (m x n) = alpha * a (m x k) * b (k x n)
// + beta * c for gemm (dot: m = n = 1); the sums (of squares) of a's m rows for sum and sumsq.
// Judged against the exact fixed-point reference with the bound of the recipe's summation
// (harness/engine/bound.h; docs/error-models.md, "Reductions").
#include "harness/engine/op.h"
#include "harness/engine/ops/reduction_judge.h"
#include "harness/engine/ops/reduction_study.h"
#include "harness/engine/relations.h"

namespace numguard::ops {
namespace {

const std::vector<std::pair<std::string, std::string>> kNotes = {
    {"near_overflow", "positive terms whose sum nears the accumulator's or output's overflow"},
    {"small_integers",
     "integers whose every partial sum is exact in the recipe (CUTLASS's "
     "trick): the output equals the reference rounded once"},
    {"tile_edges", "k at 0, 1, the recipe's block (or split) multiples +-1 and primes"},
    {"api_corners",
     "gemm: alpha = 0 with NaN/inf in A or B, beta = 0 with NaN/inf in C, alpha = beta = 1, "
     "K = 0, M or N = 0 (BLAS semantics unless the kernel declares alpha_beta=arithmetic); "
     "dot, sum: K = 0 or a single NaN or inf"},
    {"transformer",
     "gemm: activations (outlier channels along K) x weights at an init scale, or "
     "probabilities x activations (attention's P V), the residual added in a quarter of cases; "
     "dot: activations . weights; sum: a probability row or activations; sumsq: activations"},
};

OpInfo reduction_op(std::string name, const ReductionForm& f) {
  OpInfo op;
  op.name = std::move(name);
  op.reduction_length = "k, the terms summed into each output";
  op.bound_formula =
      "recursive summation by the recipe's order: phi(order, k) S + underflow terms, then the "
      "output cast (docs/error-models.md, \"Reductions\")";
  op.generator_notes = kNotes;
  op.make = [f](const KernelDesc& kd, Rng& r, std::string_view g) {
    return reduction_case(f, kd, r, g);
  };
  op.judge = [f](const Recipe& rc, const Problem& p) { return judge_reduction(f, rc, p); };
  op.case_domain = reduction_case_domain;
  op.describe = describe_reduction;
  op.range = reduction_range(f);
  op.fuzz = {.family = "reduction", .layout = FuzzLayout::explicit_shape, .mn_from_bytes = f.gemm};
  op.recipe_use = {.accumulation = true, .orders = {}};  // every order (accumulation)
  op.relations = {exact_scaling(f.quadratic && !f.has_b ? 2 : 1)};
  return op;
}

OpInfo sum_op() {
  OpInfo op = reduction_op("sum", {.has_b = false, .quadratic = false});
  op.summary = "out[i] = sum_j a[i, j]: the sum of each of a's m rows";
  op.rank = 10;
  op.schema = {.dims = {{Dim::m, "rows summed"}, {Dim::n, "1"}, {Dim::k, "terms per row"}},
               .fixed = {{Dim::n, 1}},
               .operands = {{.slot = 'a',
                             .name = "x",
                             .shape = {Dim::m, Dim::k},
                             .meaning = "the terms, one row per output"}},
               .out = {Dim::m, Dim::n},
               .out_meaning = "the m sums"};
  op.accumulation = reduction_accumulation({.has_b = false, .quadratic = false}, "terms summed (k)",
                                           "sum", {"uniform01", "ones"});
  return op;
}

OpInfo sumsq_op() {
  OpInfo op = reduction_op("sumsq", {.has_b = false, .quadratic = true});
  op.summary = "out[i] = sum_j a[i, j]^2: the sum of squares of each of a's m rows";
  op.rank = 20;
  op.schema = {.dims = {{Dim::m, "rows"}, {Dim::n, "1"}, {Dim::k, "terms per row"}},
               .fixed = {{Dim::n, 1}},
               .operands = {{.slot = 'a',
                             .name = "x",
                             .shape = {Dim::m, Dim::k},
                             .meaning = "the values, one row per output"}},
               .out = {Dim::m, Dim::n},
               .out_meaning = "the m sums of squares"};
  op.accumulation = reduction_accumulation({.has_b = false, .quadratic = true},
                                           "squares summed (k)", "sum of squares", {"uniform01"});
  return op;
}

OpInfo dot_op() {
  OpInfo op = reduction_op("dot", {.has_b = true, .quadratic = true});
  op.summary = "out = sum_j x[j] y[j]";
  op.rank = 30;
  op.schema = {
      .dims = {{Dim::m, "1"}, {Dim::n, "1"}, {Dim::k, "length"}},
      .fixed = {{Dim::m, 1}, {Dim::n, 1}},
      .operands =
          {{.slot = 'a', .name = "x", .shape = {Dim::m, Dim::k}, .meaning = "the first vector"},
           {.slot = 'b', .name = "y", .shape = {Dim::k, Dim::n}, .meaning = "the second vector"}},
      .out = {Dim::m, Dim::n},
      .out_meaning = "the dot product"};
  op.accumulation =
      reduction_accumulation({.has_b = true, .quadratic = true}, "products summed (k)",
                             "dot product", {"uniform01", "gendot_1e4"});
  return op;
}

OpInfo gemm_op() {
  const ReductionForm f{.has_b = true, .quadratic = true, .gemm = true};
  OpInfo op = reduction_op("gemm", f);
  op.summary = "out = alpha * A B + beta * C (BLAS semantics: C is read only when beta != 0)";
  op.rank = 40;
  op.schema = {
      .dims = {{Dim::m, "rows of A and C"},
               {Dim::n, "columns of B and C"},
               {Dim::k, "the inner dimension"}},
      .operands = {{.slot = 'a', .name = "A", .shape = {Dim::m, Dim::k}, .meaning = "row-major"},
                   {.slot = 'b', .name = "B", .shape = {Dim::k, Dim::n}, .meaning = "row-major"},
                   {.slot = 'c',
                    .name = "C",
                    .shape = {Dim::m, Dim::n},
                    .format = OperandFormat::output,
                    .presence = Presence::with_beta,
                    .meaning = "added as beta * C; in the output format"}},
      .alpha_beta = true,
      .out = {Dim::m, Dim::n},
      .out_meaning = "D, row-major"};
  op.accumulation =
      reduction_accumulation(f, "inner dimension k of a 2 x 2 output (4 dot products per trial)",
                             "GEMM k-sum", {"uniform01"});
  return op;
}

NUMGUARD_REGISTER_OP(sum_op());
NUMGUARD_REGISTER_OP(sumsq_op());
NUMGUARD_REGISTER_OP(dot_op());
NUMGUARD_REGISTER_OP(gemm_op());

}  // namespace
}  // namespace numguard::ops
