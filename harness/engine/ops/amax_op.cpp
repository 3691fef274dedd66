// amax: max |x| of each row of a (m x n), out m values in the input format; a NaN in a row
// makes its result NaN. A max rounds nothing and |x| is a value of the input format, so the
// result is exact in every order: the bound is 0 and the comparison is exact
// (docs/error-models.md, "Cross-entropy, Adam").
#include <algorithm>
#include <cmath>

#include "harness/engine/ops/op_cases.h"
#include "harness/engine/ops/row_op_common.h"
#include "references/row_reference.h"

namespace numguard::ops {
namespace {

Problem make_rows(const KernelDesc& kd, Rng& r, std::string_view g) {
  const Format in = kd.recipe.in;
  Problem p;
  p.m = r.integer(1, 16);
  p.n = row_length(g, 256, std::max(kd.recipe.shape.lanes, 32), r);
  p.a = fill_tensor(in, {p.m, p.n}, r, values_for(g, in, 8, r));
  if (g == "special") plant_specials(p.a, r);
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

}  // namespace

const OpInfo& amax_op() {
  static const OpInfo op = [] {
    OpInfo o;
    o.name = "amax";
    o.operands = "a: m rows of n values; out: m values max |x| (NaN if the row holds one)";
    o.make = make_rows;
    o.out_shape = [](const Problem& p) { return std::vector<int64_t>{p.m}; };
    o.judge = judge_rows;
    o.describe = [](const Problem& p, size_t i) {
      return "row " + std::to_string(i) +
             " of a: " + describe_row(p.a, p.n, static_cast<int64_t>(i));
    };
    return o;
  }();
  return op;
}

}  // namespace numguard::ops
