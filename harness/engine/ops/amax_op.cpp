// amax: max |x| of each row of a (m x n), out m values in the input format; a NaN in a row
// makes its result NaN. A max rounds nothing and |x| is a value of the input format, so the
// result is exact in every order: the bound is 0 and the comparison is exact
// (docs/error-models.md, "Cross-entropy, Adam").
#include <algorithm>
#include <cmath>

#include "harness/engine/case_shapes.h"
#include "harness/engine/ops/op_cases.h"
#include "harness/engine/ops/row_op_common.h"
#include "harness/engine/ops/row_study.h"
#include "harness/engine/ops/transformer_values.h"
#include "harness/engine/relations.h"
#include "references/row_reference.h"

namespace numguard::ops {
namespace {

Problem make_rows(const KernelDesc& kd, Rng& r, std::string_view g) {
  const Format in = kd.recipe.in;
  Problem p;
  p.m = dim_or(Dim::m, r.integer(1, 16));
  p.n = dim_or(Dim::n, row_length(g, 256, std::max(kd.recipe.shape.lanes, 32), r));
  // transformer: the activations whose amax sets an fp8 scale, outlier channels included.
  p.a =
      fill_tensor(in, {p.m, p.n}, r,
                  g == "transformer" ? transformer_values(TransformerRole::activations, p.n, p.n, r)
                                     : values_for(g, in, 8, r));
  if (g == "special") plant_specials(p.a, r);
  if (g == "api_corners") plant_row_corners(p.a, p.n, r);
  return p;
}

std::vector<OpElement> judge_rows(const Recipe& rc, const Problem& p) {
  std::vector<double> all(p.a.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = p.a.value(i);
  const std::vector<double> y = mpfr_ref::amax(all, p.n);
  const std::string declared = declared_domain_reason(rc, {&p.a});
  std::vector<OpElement> out(y.size());
  for (size_t i = 0; i < y.size(); ++i) {
    out[i].value = y[i];  // bound and estimate 0: exact
    out[i].scale = std::isfinite(y[i]) ? y[i] : 0;
    out[i].domain = declared;
  }
  return out;
}

OpInfo amax_op() {
  OpInfo o;
  o.name = "amax";
  o.summary = "out[i] = max_j |x[i, j]| (NaN when the row holds one): fp8 scaling's statistic";
  o.rank = 700;
  o.schema = {.dims = {{Dim::m, "rows"}, {Dim::n, "row length"}},
              .operands = {{.slot = 'a',
                            .name = "x",
                            .shape = {Dim::m, Dim::n},
                            .meaning = "the values, one row per output"}},
              .out = {Dim::m},
              .out_meaning = "max |x| of each row, in the input format"};
  o.bound_formula =
      "exact: a max rounds nothing, so the bound is 0 (docs/error-models.md, "
      "\"Cross-entropy, Adam, amax\")";
  o.generator_notes = value_notes(8, "1 to 16 rows of up to 256 values");
  o.make = make_rows;
  o.judge = judge_rows;
  o.describe = [](const Problem& p, size_t i) {
    return ElementInputs{.text = "row " + std::to_string(i) +
                                 " of a: " + describe_row(p.a, p.n, static_cast<int64_t>(i))};
  };
  o.range.pattern = [](Rng& r) {
    RangePattern p;
    row_pattern(p, r, 4, kPatternRow);
    p.scaled_desc = "x (4 rows of 64 in [-1, 1]) scaled";
    return p;
  };
  o.range.cliffs = [](const Recipe&, const RangePattern&, CliffList&) {};  // exact
  o.relations = {invariance("sign_invariance", "amax(-x) = amax(x) bit for bit", "normal",
                            [](Problem&, Problem& q, const Recipe&, Rng&) {
                              for (auto& b : q.a.bits) b ^= desc(q.a.format).sign_mask();
                              return true;
                            })};
  o.fuzz = {.family = "softmax"};
  return o;
}

NUMGUARD_REGISTER_OP(amax_op());

}  // namespace
}  // namespace numguard::ops
