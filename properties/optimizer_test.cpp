// Adam and cross-entropy (the training-step ops) as a specification, over every correct CPU
// kernel of the table. RapidCheck's seed is fixed by RC_PARAMS (CMake); a failing property
// prints the kernel and the repro line.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "harness/engine/check_runner.h"
#include "harness/engine/generators.h"
#include "harness/engine/registry.h"
#include "references/row_reference.h"

namespace numguard {
namespace {

std::vector<const KernelDesc*> correct_kernels(const char* glob) {
  std::vector<const KernelDesc*> out;
  for (const KernelDesc* k : select_kernels(glob, false))
    if (!k->mutant && k->device == Device::cpu) out.push_back(k);
  return out;
}

std::string repro(const KernelDesc& k, uint64_t seed, int64_t index) {
  return "numguard check --kernel " + k.name + " --seed " + std::to_string(seed) + " --case " +
         std::to_string(index);
}

// One step of kernel k on n parameters in k's format.
struct Step {
  Problem p;
  Tensor out;
};
Step adam_step(const KernelDesc& k, const std::vector<double>& w, const std::vector<double>& g,
               const std::vector<double>& m, const std::vector<double>& v, double lr,
               int64_t step) {
  const Format f = k.recipe.in;
  auto tensor = [f](const std::vector<double>& x) {
    Tensor t(f, {static_cast<int64_t>(x.size())});
    for (size_t i = 0; i < x.size(); ++i) t.bits[i] = to_bits(f, x[i]);
    return t;
  };
  Step s;
  s.p.m = 1;
  s.p.n = static_cast<int64_t>(w.size());
  s.p.a = tensor(w);
  s.p.b = tensor(g);
  s.p.c = tensor(m);
  s.p.d = tensor(v);
  s.p.scalars = {round_value(Format::fp32, lr), round_value(Format::fp32, 0.9),
                 round_value(Format::fp32, 0.999), round_value(Format::fp32, 1e-8),
                 static_cast<double>(step)};
  s.out = Tensor(f, {3 * s.p.n});
  k.run(s.p, s.out);
  return s;
}

// Finite state as training produces it: w of order 1, v >= 0, |m| of the order of sqrt(v),
// at a gradient scale log-uniform in 1e-8 .. 1e2.
struct State {
  std::vector<double> w, g, m, v;
};
rc::Gen<State> finite_state(bool zero_gradient) {
  return rc::gen::exec([zero_gradient] {
    const auto n = *rc::gen::inRange<size_t>(1, 33);
    const double scale = std::pow(10.0, *rc::gen::inRange(-80, 21) / 10.0);
    auto unit = [] { return *rc::gen::inRange(-1000, 1001) / 1000.0; };
    State s;
    for (size_t i = 0; i < n; ++i) {
      const bool fresh = *rc::gen::inRange(0, 3) == 0;  // m = v = 0: a never-updated weight
      s.w.push_back(unit());
      s.g.push_back(zero_gradient ? 0.0 : scale * unit());
      s.m.push_back(fresh || zero_gradient ? 0.0 : 0.5 * scale * unit());
      const double sv = scale * unit();
      s.v.push_back(fresh ? 0.0 : sv * sv);
    }
    return s;
  });
}

// The op's zero_gradient relation (g = 0 on m = 0 leaves w bit for bit; OpInfo::relations,
// run over every correct kernel by op_coverage_test) fails on the fp16-eps mutant: eps = 1e-8
// rounds to 0 in fp16, and a fresh parameter's 0 / 0 is NaN.
TEST(Adam, ZeroGradientRelationCatchesTheFp16EpsMutant) {
  const KernelDesc* k = find_kernel("mutant.adam.fp16.fp16_eps_underflow");
  ASSERT_NE(k, nullptr);
  const Relation* zero = nullptr;
  for (const Relation& r : find_op("adam")->relations)
    if (r.name == "zero_gradient") zero = &r;
  ASSERT_NE(zero, nullptr);
  Rng r(1);
  int64_t checked = 0;
  EXPECT_NE(zero->check(*k, r, &checked), "");
  EXPECT_GT(checked, 0);
  const Step s = adam_step(*k, {0.5}, {0.0}, {0.0}, {0.0}, 1e-3, 1);
  EXPECT_TRUE(std::isnan(s.out.value(0)));
}

// Finite state, finite gradients: no NaN in w', m' or v'.
RC_GTEST_PROP(Adam, FiniteInputsNeverGiveNaN, ()) {
  const auto ks = correct_kernels("adam.*");
  RC_PRE(!ks.empty());
  const KernelDesc& k = **rc::gen::elementOf(ks);
  const bool zero = *rc::gen::element(false, true);
  const State s = *finite_state(zero);
  const Step r = adam_step(k, s.w, s.g, s.m, s.v, 1e-3, *rc::gen::inRange<int64_t>(1, 10001));
  for (size_t i = 0; i < r.out.size(); ++i) RC_ASSERT(!std::isnan(r.out.value(i)));
}

// Every correct adam and cross_entropy kernel stays within its derived bound on the table's
// cases (every generator).
RC_GTEST_PROP(OptimizerOps, ErrorWithinRecipeBound, ()) {
  auto ks = correct_kernels("adam.*");
  for (const KernelDesc* k : correct_kernels("cross_entropy.*")) ks.push_back(k);
  RC_PRE(!ks.empty());
  const KernelDesc& k = **rc::gen::elementOf(ks);
  const uint64_t seed = *rc::gen::inRange<uint64_t>(1, 1u << 20);
  const int64_t index = *rc::gen::inRange<int64_t>(0, 2000);
  const Problem p = make_case(k, seed, index);
  const CaseOutcome c = evaluate_case(k, p);
  RC_LOG() << repro(k, seed, index) << "\n";
  RC_ASSERT(!is_failure(c.verdict));
}

// The references at 192 bits agree with a 384-bit evaluation once rounded to double: 192 bits
// are far beyond what the double result keeps (no cancellation here loses 130 bits).
RC_GTEST_PROP(OptimizerReferences, PrecisionIndependent, ()) {
  const auto n = *rc::gen::inRange<int64_t>(1, 65);
  const auto m = *rc::gen::inRange<int64_t>(1, 9);
  const double offset = *rc::gen::element(0.0, 1024.0, -4096.0);
  std::vector<double> x(static_cast<size_t>(m * n));
  for (double& v : x) v = offset + *rc::gen::inRange(-8000, 8001) / 1000.0;
  std::vector<int64_t> t(static_cast<size_t>(m));
  for (int64_t& v : t) v = *rc::gen::inRange<int64_t>(0, n);
  RC_ASSERT(mpfr_ref::cross_entropy(x, n, t) == mpfr_ref::cross_entropy(x, n, t, 384));
  const State s = *finite_state(false);
  const mpfr_ref::AdamParams h{.lr = round_value(Format::fp32, 1e-3),
                               .beta1 = round_value(Format::fp32, 0.9),
                               .beta2 = round_value(Format::fp32, 0.999),
                               .eps = round_value(Format::fp32, 1e-8),
                               .step = *rc::gen::inRange<uint64_t>(1, 10001)};
  RC_ASSERT(mpfr_ref::adam(s.w, s.g, s.m, s.v, h) == mpfr_ref::adam(s.w, s.g, s.m, s.v, h, 384));
}

TEST(OptimizerOps, EveryFormatHasAKernel) {
  EXPECT_EQ(correct_kernels("adam.*").size(), 3u);
  EXPECT_EQ(correct_kernels("cross_entropy.*").size(), 3u);
}

}  // namespace
}  // namespace numguard
