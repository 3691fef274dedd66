// The norms (layernorm, rmsnorm and their backward passes) as a specification, over the
// whole kernel table: every correct norm kernel stays within its derived bound on random
// cases of every generator, in sequential and in strided (warp) order; and layernorm's
// invariances hold. The invariances are stated against the exact reference: the exact
// layernorm of x + c (c a constant) equals that of x, and so does that of a x with eps a^2
// (a a power of two), so the kernel's output on the transformed row, judged against the
// reference of the ORIGINAL row with the transformed row's derived bound, IS the property;
// the reference must give the two rows bit-identical results. For an arbitrary positive a
// with eps unchanged the exact math moves by eps's share only; the reference measures that
// change, and it is added to the bound.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "harness/core/rounding.h"
#include "harness/engine/check_runner.h"
#include "harness/engine/generators.h"
#include "harness/engine/op.h"
#include "harness/engine/registry.h"
#include "kernels_under_test/cpu/norm_rows.h"
#include "properties/support/op_kernels.h"
#include "references/norm_reference.h"

namespace numguard {
namespace {

std::vector<const KernelDesc*> correct_kernels(std::string_view op = "") {
  // The CUDA kernels' twins (twin_of set) are checked in cuda_kernels_test; their order is
  // StridedLanesWithinTheirBound's.
  std::vector<const KernelDesc*> out;
  for (const KernelDesc* k : test::op_kernels(
           op.empty() ? std::vector<std::string>{"layernorm", "rmsnorm", "layernorm_backward",
                                                 "rmsnorm_backward"}
                      : std::vector<std::string>{std::string(op)}))
    if (k->twin_of.empty()) out.push_back(k);
  return out;
}

using test::repro;

TEST(NormFamily, TableHasEveryKernel) {
  // fp16, bf16, fp32 x (two_pass, welford, rmsnorm, two backward passes).
  EXPECT_EQ(correct_kernels().size(), 15u);
}

RC_GTEST_PROP(NormFamily, ErrorWithinRecipeBoundForEveryGenerator, ()) {
  const auto ks = correct_kernels();
  const KernelDesc* k = *rc::gen::elementOf(ks);
  const auto seed = *rc::gen::arbitrary<uint64_t>();
  const auto index = *rc::gen::inRange<int64_t>(0, 2000);
  const CaseOutcome o = evaluate_case(*k, make_case(*k, seed, index));
  RC_LOG() << repro(*k, seed, index) << " -> " << name(o.verdict) << "\n";
  RC_ASSERT(!is_failure(o.verdict));
}

// The same algorithms in a warp's order (32 strided lanes, then the butterfly), as the CUDA
// twins run them, against the bound derived for that order.
RC_GTEST_PROP(NormFamily, StridedLanesWithinTheirBound, ()) {
  const auto ks = correct_kernels();
  const KernelDesc* base = *rc::gen::elementOf(ks);
  KernelDesc k = *base;
  k.name += ".strided32";
  k.recipe.shape = Accumulation{.order = Order::strided, .lanes = 32};
  kernels::NormAlgo a{
      .method = base->recipe.method == Method::welford ? Method::welford : Method::two_pass,
      .shape = k.recipe.shape,
      .rms = base->op.starts_with("rmsnorm")};
  const bool backward = base->op.ends_with("backward");
  k.run = [a, backward](const Problem& p, Tensor& y) {
    backward ? kernels::norm_backward_rows(a, p, y) : kernels::norm_rows(a, p, y);
  };
  const auto seed = *rc::gen::arbitrary<uint64_t>();
  const auto index = *rc::gen::inRange<int64_t>(0, 2000);
  const CaseOutcome o = evaluate_case(k, make_case(k, seed, index));
  RC_LOG() << k.name << " seed " << seed << " case " << index << " -> " << name(o.verdict);
  RC_ASSERT(!is_failure(o.verdict));
}

// One row of n values on a grid where x + c and 2^e x are exact in the input format: multiples
// of 2^(7 - (p - 1)) below 2^7 in magnitude (p - 1 fraction bits hold them all).
struct Row {
  const KernelDesc* k;
  Problem p;
  double step;
};
rc::Gen<Row> grid_row() {
  return rc::gen::exec([] {
    const auto ks = correct_kernels("layernorm");
    const KernelDesc* k = *rc::gen::elementOf(ks);
    const Format in = k->recipe.in;
    const double step = std::ldexp(1.0, 7 - (desc(in).precision - 1));
    const int64_t lim = static_cast<int64_t>(std::ldexp(1.0, desc(in).precision - 1) / 4);
    Problem p;
    p.m = 1;
    p.n = *rc::gen::inRange<int64_t>(2, 257);
    p.a = Tensor(in, {1, p.n});
    p.b = Tensor(in, {p.n});
    p.c = Tensor(in, {p.n});
    for (int64_t j = 0; j < p.n; ++j) {
      p.a.bits[j] = to_bits(in, step * static_cast<double>(*rc::gen::inRange(-lim, lim + 1)));
      p.b.bits[j] = to_bits(in, 0.5 + static_cast<double>(*rc::gen::inRange(0, 64)) / 64);
      p.c.bits[j] = to_bits(in, static_cast<double>(*rc::gen::inRange(-8, 9)) / 64);
    }
    p.scalars = {round_value(Format::fp32, *rc::gen::element(1e-5, 1e-6, 1e-12))};
    return Row{k, p, step};
  });
}

std::vector<double> values(const Tensor& t) {
  std::vector<double> v(t.size());
  for (size_t i = 0; i < t.size(); ++i) v[i] = t.value(i);
  return v;
}

// The kernel on `moved`, judged against `ref` (the exact layernorm of the original row) with
// moved's derived bound plus `slack` per element (the exact math's own change, 0 where the
// transformation is an exact invariance).
void assert_within(const KernelDesc& k, const Problem& moved, const std::vector<double>& ref,
                   const std::vector<double>& slack) {
  const OpInfo* op = find_op(k.op);
  const std::vector<OpElement> el = op->judge(k.recipe, moved);
  Tensor out(k.recipe.out, op->out_shape(moved));
  k.run(moved, out);
  size_t checked = 0;
  for (size_t j = 0; j < ref.size(); ++j) {
    if (!el[j].domain.empty()) continue;
    ++checked;
    const double err = std::fabs(out.value(j) - ref[j]);
    RC_LOG() << k.name << " n " << moved.n << " element " << j << ": out " << out.value(j)
             << " ref " << ref[j] << " err " << err << " bound " << el[j].bound << " + " << slack[j]
             << "\n";
    RC_ASSERT(err <= el[j].bound + slack[j]);
  }
  // Grid rows are finite and far from overflow: every element was judged in 600 runs; half the
  // row is the floor.
  RC_ASSERT(2 * checked >= ref.size());
}

RC_GTEST_PROP(NormFamily, LayernormInvariantToShiftingARow, ()) {
  const Row r = *grid_row();
  const Format in = r.k->recipe.in;
  const double c = r.step * static_cast<double>(*rc::gen::inRange<int64_t>(
                                -static_cast<int64_t>(std::ldexp(1.0, desc(in).precision - 1) / 2),
                                static_cast<int64_t>(std::ldexp(1.0, desc(in).precision - 1) / 2)));
  Problem moved = r.p;
  for (size_t j = 0; j < moved.a.size(); ++j) {
    const double v = r.p.a.value(j) + c;
    moved.a.bits[j] = to_bits(in, v);
    RC_ASSERT(moved.a.value(j) == v);  // the shift is exact on the grid
  }
  const double eps = r.p.scalars[0];
  const auto ref = mpfr_ref::norm_forward(values(r.p.a), values(r.p.b), values(r.p.c), eps, false);
  const auto ref_moved =
      mpfr_ref::norm_forward(values(moved.a), values(moved.b), values(moved.c), eps, false);
  RC_ASSERT(ref == ref_moved);  // exact centring: the reference adds no cancellation
  assert_within(*r.k, moved, ref, std::vector<double>(ref.size(), 0));
}

RC_GTEST_PROP(NormFamily, LayernormInvariantToScalingARowWithEps, ()) {
  // y(2^e x; 2^2e eps) = y(x; eps) exactly.
  const Row r = *grid_row();
  const Format in = r.k->recipe.in;
  const int e = *rc::gen::inRange(-6, 7);
  Problem moved = r.p;
  for (size_t j = 0; j < moved.a.size(); ++j)
    moved.a.bits[j] = to_bits(in, std::ldexp(r.p.a.value(j), e));
  moved.scalars = {std::ldexp(r.p.scalars[0], 2 * e)};
  const auto ref =
      mpfr_ref::norm_forward(values(r.p.a), values(r.p.b), values(r.p.c), r.p.scalars[0], false);
  const auto ref_moved = mpfr_ref::norm_forward(values(moved.a), values(moved.b), values(moved.c),
                                                moved.scalars[0], false);
  RC_ASSERT(ref == ref_moved);
  assert_within(*r.k, moved, ref, std::vector<double>(ref.size(), 0));
}

RC_GTEST_PROP(NormFamily, LayernormNearlyInvariantToPositiveScaling, ()) {
  // x scaled by a in [1/8, 8] (rounded into the input format), eps unchanged: the exact math
  // changes by eps's share and by the rounding of a x; the reference measures that change.
  const Row r = *grid_row();
  const Format in = r.k->recipe.in;
  const double a = std::exp2(*rc::gen::inRange(-300, 301) / 100.0);
  Problem moved = r.p;
  for (size_t j = 0; j < moved.a.size(); ++j) moved.a.bits[j] = to_bits(in, a * r.p.a.value(j));
  const double eps = r.p.scalars[0];
  const auto ref = mpfr_ref::norm_forward(values(r.p.a), values(r.p.b), values(r.p.c), eps, false);
  const auto ref_moved =
      mpfr_ref::norm_forward(values(moved.a), values(moved.b), values(moved.c), eps, false);
  std::vector<double> slack(ref.size());
  for (size_t j = 0; j < ref.size(); ++j) slack[j] = std::fabs(ref_moved[j] - ref[j]);
  assert_within(*r.k, moved, ref, slack);
}

// The 192-bit references agree with 384-bit evaluations to double rounding.
RC_GTEST_PROP(NormFamily, ReferencesStableInPrecision, ()) {
  const Row r = *grid_row();
  const bool rms = *rc::gen::arbitrary<bool>();
  const auto x = values(r.p.a), g = values(r.p.b), b = values(r.p.c);
  const double eps = r.p.scalars[0];
  RC_ASSERT(mpfr_ref::norm_forward(x, g, b, eps, rms) ==
            mpfr_ref::norm_forward(x, g, b, eps, rms, 384));
  const auto dy = b;  // any row of n values
  RC_ASSERT(mpfr_ref::norm_backward(1, r.p.n, x, g, dy, eps, rms) ==
            mpfr_ref::norm_backward(1, r.p.n, x, g, dy, eps, rms, 384));
}

}  // namespace
}  // namespace numguard
