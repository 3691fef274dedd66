// The activations and exp as a specification, over every CPU kernel of the op table's
// elementwise ops: identities that hold exactly in the mathematics, checked on the MPFR
// references and on the kernels' outputs within their derived bounds; monotonicity where the
// functions are increasing; and the error within bound over random cases of every generator.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "harness/engine/check_runner.h"
#include "harness/engine/generators.h"
#include "harness/engine/op.h"
#include "harness/engine/ops/activation_op.h"
#include "harness/engine/random.h"
#include "harness/engine/registry.h"
#include "references/activation_reference.h"

namespace numguard {
namespace {

bool is_activation(const std::string& op) {
  return op == "gelu" || op == "gelu_tanh" || op == "silu" || op == "gelu_backward" ||
         op == "gelu_tanh_backward" || op == "silu_backward" || op == "exp";
}
bool backward(const std::string& op) {
  return op.ends_with("_backward");
}

std::vector<const KernelDesc*> kernels() {
  std::vector<const KernelDesc*> out;
  for (const KernelDesc* k : select_kernels("*", false))
    if (is_activation(k->op) && k->device == Device::cpu) out.push_back(k);
  return out;
}

// One row: x values, their negations after them when `mirrored`; no bias; dy = 1 (so the
// backward ops give f'(x) exactly).
Problem row(const KernelDesc& k, std::vector<double> x, bool mirrored) {
  if (mirrored) {
    const size_t n = x.size();
    for (size_t i = 0; i < n; ++i) x.push_back(-x[i]);
  }
  Problem p;
  p.m = 1;
  p.n = static_cast<int64_t>(x.size());
  p.a = Tensor(k.recipe.in, {p.m, p.n});
  for (size_t i = 0; i < x.size(); ++i) p.a.bits[i] = to_bits(k.recipe.in, x[i]);
  if (backward(k.op)) {
    p.c = Tensor(k.recipe.in, {p.m, p.n});
    for (auto& b : p.c.bits) b = to_bits(k.recipe.in, 1.0);
  }
  return p;
}

// x in [lo, hi] rounded into the kernel's input format.
std::vector<double> values(const KernelDesc& k, Rng& r, int n, double lo, double hi) {
  std::vector<double> x(static_cast<size_t>(n));
  for (double& v : x) v = round_value(k.recipe.in, r.uniform(lo, hi));
  return x;
}

struct Judged {
  Tensor out;
  std::vector<OpElement> el;
  double y(size_t i) const { return out.value(i); }
};
Judged run(const KernelDesc& k, const Problem& p) {
  const OpInfo* op = find_op(k.op);
  Judged j{Tensor(k.recipe.out, op->out_shape(p)), {}};
  k.run(p, j.out);
  j.el = op->judge(k.recipe, p);
  return j;
}

constexpr double kRel = 0x1p-50;  // the double arithmetic of the checks themselves

// f(x) - f(-x) = x for gelu, gelu_tanh and silu (x Phi(x) - (-x) Phi(-x) = x); the backward
// ops (dy = 1): f'(x) + f'(-x) = 1; exp(x) exp(-x) = 1: on the references, to double rounding.
// (On the kernels, within the two elements' bounds, the same identities are the ops'
// relations, run by op_coverage_test.)
TEST(ActivationFamily, OddEvenIdentitiesHoldForTheReferences) {
  int checked = 0;
  for (const KernelDesc* k : kernels()) {
    Rng r(0x5eed1);
    const int n = 64;
    const Problem p = row(*k, values(*k, r, n, -8, 8), true);
    const Judged j = run(*k, p);
    for (size_t i = 0; i < static_cast<size_t>(n); ++i) {
      const size_t m = i + static_cast<size_t>(n);
      const double x = p.a.value(i);
      const OpElement &a = j.el[i], &b = j.el[m];
      if (!std::isfinite(a.value) || !std::isfinite(b.value)) continue;
      ++checked;
      const double gap = k->op == "exp"    ? a.value * b.value - 1
                         : backward(k->op) ? a.value + b.value - 1
                                           : a.value - b.value - x;
      const double scale = std::fabs(a.value) + std::fabs(b.value) + std::fabs(x) + 1;
      EXPECT_LE(std::fabs(gap), 4 * kRel * scale) << k->name << " reference at x = " << x;
    }
  }
  EXPECT_GE(checked, 22 * 64 * 9 / 10);  // 22 kernels
}

// gelu, gelu_tanh and silu increase on x >= 0 (and exp everywhere): along sorted inputs the
// outputs never fall by more than the two bounds, the references not at all.
TEST(ActivationFamily, IncreasingWhereTheFunctionIncreases) {
  int checked = 0;
  for (const KernelDesc* k : kernels()) {
    if (backward(k->op)) continue;
    ++checked;
    Rng r(0x5eed2);
    std::vector<double> x = values(*k, r, 200, k->op == "exp" ? -8 : 0, 8);
    std::sort(x.begin(), x.end());
    const Judged j = run(*k, row(*k, x, false));
    for (size_t i = 1; i < x.size(); ++i) {
      EXPECT_GE(j.el[i].value, j.el[i - 1].value) << k->name << " reference at x = " << x[i];
      EXPECT_GE(j.y(i), j.y(i - 1) - (j.el[i].bound + j.el[i - 1].bound))
          << k->name << " at x = " << x[i];
    }
  }
  EXPECT_GE(checked, 11);  // 22 forward kernels measured; half
}

// The references at 192 bits agree with 384 bits to the last bit of double, from the bend to
// the tails and the top binades (cancellation at the zeros of the derivatives included).
TEST(ActivationFamily, ReferencesAgreeAt192And384Bits) {
  Rng r(0x5eed3);
  ASSERT_FALSE(ops::activation_formulas().empty());
  int checked = 0;
  for (const ops::ActivationFormula& f : ops::activation_formulas())
    for (int i = 0; i < 300; ++i) {
      const double span = i < 200 ? 8 : (i < 250 ? 120 : 1e30);
      const double x = round_value(Format::fp32, r.uniform(-span, span));
      const double b = i % 2 && f.bias ? round_value(Format::fp32, r.uniform(-2, 2)) : 0;
      const double dy = round_value(Format::fp32, r.normal());
      // Beyond 700 exp is beyond double's range: both are inf, and nothing is learnt.
      if (f.positive_row_max && std::fabs(x) > 700) continue;
      ++checked;
      EXPECT_EQ(mpfr_ref::activation(f.exact, f.backward, x, b, dy, 192),
                mpfr_ref::activation(f.exact, f.backward, x, b, dy, 384))
          << f.name << " at x = " << x << ", bias = " << b;
    }
  EXPECT_GE(checked, 1175);  // 2350 of 2400 measured; half
}

struct Pick {
  const KernelDesc* kernel;
  uint64_t seed;
  int64_t index;
};

RC_GTEST_PROP(ActivationFamily, ErrorWithinRecipeBoundForEveryGenerator, ()) {
  const auto ks = kernels();
  const Pick c{*rc::gen::elementOf(ks), *rc::gen::arbitrary<uint64_t>(),
               *rc::gen::inRange<int64_t>(0, 10000)};
  const CaseOutcome o = evaluate_case(*c.kernel, make_case(*c.kernel, c.seed, c.index));
  RC_LOG() << "numguard check --kernel " << c.kernel->name << " --seed " << c.seed << " --case "
           << c.index << " -> " << name(o.verdict) << "\n";
  RC_ASSERT(!is_failure(o.verdict));
}

// The mutants of the family fail somewhere in the default budget's first cases.
TEST(ActivationFamily, EveryMutantIsCaught) {
  int mutants = 0;
  for (const KernelDesc* k : select_kernels("mutant.*", true)) {
    if (!is_activation(k->op) || k->device != Device::cpu) continue;
    ++mutants;
    bool caught = false;
    for (int64_t i = 0; i < 400 && !caught; ++i)
      caught = is_failure(evaluate_case(*k, make_case(*k, 1, i)).verdict);
    EXPECT_TRUE(caught) << k->name;
  }
  EXPECT_GE(mutants, 3);
}

}  // namespace
}  // namespace numguard
