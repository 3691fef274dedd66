// The reduction family (dot, sum, gemm) as a specification: every property runs over the
// whole kernel table, never one hand-written test per kernel. RapidCheck's seed is fixed by
// RC_PARAMS (CMake); a failing property prints the kernel, generator and the repro line.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "harness/engine/check_runner.h"
#include "harness/engine/generators.h"
#include "harness/engine/random.h"
#include "harness/engine/registry.h"

namespace numguard {
namespace {

bool in_family(const KernelDesc& k) {
  return k.op == "dot" || k.op == "sum" || k.op == "sumsq" || k.op == "gemm";
}

std::vector<const KernelDesc*> correct_kernels() {
  std::vector<const KernelDesc*> out;
  for (const KernelDesc* k : select_kernels("*", false))
    if (in_family(*k) && k->device == Device::cpu) out.push_back(k);
  return out;
}

std::vector<const KernelDesc*> mutants() {
  std::vector<const KernelDesc*> out;
  for (const KernelDesc* k : select_kernels("mutant.*", true))
    if (in_family(*k) && k->mutant && k->device == Device::cpu) out.push_back(k);
  return out;
}

std::string repro(const KernelDesc& k, uint64_t seed, int64_t index) {
  return "numguard check --kernel " + k.name + " --seed " + std::to_string(seed) + " --case " +
         std::to_string(index);
}

// A random case of a given generator, as (kernel, seed, index) so it can be replayed.
struct Pick {
  const KernelDesc* kernel;
  uint64_t seed;
  int64_t index;
};
rc::Gen<Pick> pick(const std::string& generator = "") {
  return rc::gen::exec([generator] {
    const auto ks = correct_kernels();
    const KernelDesc* k = *rc::gen::elementOf(ks);
    const uint64_t seed = *rc::gen::arbitrary<uint64_t>();
    const int64_t gens = static_cast<int64_t>(case_generators().size());
    int64_t index = *rc::gen::inRange<int64_t>(0, 1000) * gens;
    if (generator.empty()) {
      index += *rc::gen::inRange<int64_t>(0, gens);
    } else {
      int64_t g = 0;
      while (case_generators()[static_cast<size_t>(g)].name != generator) ++g;
      index += g;
    }
    return Pick{k, seed, index};
  });
}

RC_GTEST_PROP(ReductionFamily, ErrorWithinRecipeBoundForEveryGenerator, ()) {
  const Pick c = *pick();
  const CaseOutcome o = evaluate_case(*c.kernel, make_case(*c.kernel, c.seed, c.index));
  RC_LOG() << repro(*c.kernel, c.seed, c.index) << " -> " << name(o.verdict) << "\n";
  RC_ASSERT(!is_failure(o.verdict));
}

RC_GTEST_PROP(ReductionFamily, SmallIntegersGiveTheReferenceBitForBit, ()) {
  const Pick c = *pick("small_integers");
  const Problem p = make_case(*c.kernel, c.seed, c.index);
  Tensor out;
  CaseElements refs;
  evaluate_case(*c.kernel, p, &out, &refs);
  RC_LOG() << repro(*c.kernel, c.seed, c.index) << "\n";
  const Recipe& r = c.kernel->recipe;
  RoundOptions o;
  o.mode = r.out_rounding;
  // The sign of an exact zero is the recipe's business (H100 mma.sync returns +0 for every
  // zero block); every other result must be the reference's bits.
  RC_ASSERT(!refs.elements.empty() || out.empty());
  for (size_t i = 0; i < refs.elements.size(); ++i) {
    RC_ASSERT(refs.elements[i].exact.has_value());  // the fixed-point reference's exact value
    const uint64_t want = round_to(r.out, *refs.elements[i].exact, o).bits;
    const bool both_zero = decode(r.out, want) == 0 && decode(r.out, out.bits[i]) == 0;
    RC_ASSERT(both_zero || out.bits[i] == want);
  }
}

RC_GTEST_PROP(ReductionFamily, PermutingTheReductionAxisStaysWithinBound, ()) {
  const Pick c = *pick();
  Problem p = make_case(*c.kernel, c.seed, c.index);
  Rng rng(c.seed ^ 0x5eed);
  std::vector<int64_t> perm(static_cast<size_t>(p.k));
  for (int64_t i = 0; i < p.k; ++i) perm[static_cast<size_t>(i)] = i;
  for (int64_t i = p.k - 1; i > 0; --i)
    std::swap(perm[static_cast<size_t>(i)], perm[static_cast<size_t>(rng.integer(0, i))]);
  Problem q = p;
  for (int64_t i = 0; i < p.m; ++i)
    for (int64_t l = 0; l < p.k; ++l)
      q.a.bits[static_cast<size_t>(i * p.k + l)] =
          p.a.bits[static_cast<size_t>(i * p.k + perm[static_cast<size_t>(l)])];
  if (!p.b.empty())
    for (int64_t l = 0; l < p.k; ++l)
      for (int64_t j = 0; j < p.n; ++j)
        q.b.bits[static_cast<size_t>(l * p.n + j)] =
            p.b.bits[static_cast<size_t>(perm[static_cast<size_t>(l)] * p.n + j)];
  const CaseOutcome o = evaluate_case(*c.kernel, q);
  RC_LOG() << repro(*c.kernel, c.seed, c.index) << " with K permuted -> " << name(o.verdict)
           << "\n";
  RC_ASSERT(!is_failure(o.verdict));
}

// Scaling A by 2^s scales every rounding's input by 2^s, so the output scales exactly as
// long as nothing overflows and no rounding happens in a subnormal range (s > 0 keeps
// inputs exact; outputs are required to stay normal).
// K just below, at and above multiples of each recipe's block.
TEST(ReductionFamily, TileBoundariesStayWithinBound) {
  const auto ks = correct_kernels();
  ASSERT_FALSE(ks.empty());
  for (const KernelDesc* k : ks) {
    const int64_t t = k->recipe.shape.block > 0 ? k->recipe.shape.block : 32;
    for (int64_t K : {int64_t{0}, int64_t{1}, t - 1, t, t + 1, 2 * t - 1, 2 * t + 1, 3 * t + 1}) {
      Rng rng(static_cast<uint64_t>(K) * 7919 + 1);
      Problem p = make_case(*k, 1, 0);  // uniform generator: a template to reshape
      p.k = std::max<int64_t>(K, 0);
      p.a = Tensor(k->recipe.in, {p.m, p.k});
      for (auto& b : p.a.bits) b = to_bits(k->recipe.in, rng.uniform(-1, 1));
      if (k->op != "sum") {
        p.b = Tensor(k->recipe.in, {p.k, p.n});
        for (auto& b : p.b.bits) b = to_bits(k->recipe.in, rng.uniform(-1, 1));
      }
      const CaseOutcome o = evaluate_case(*k, p);
      EXPECT_FALSE(is_failure(o.verdict)) << k->name << " K=" << K << ": " << name(o.verdict);
    }
  }
}

// Detection power (docs/DESIGN.md principle 5): every correct kernel passes a fixed budget, every
// mutant fails it, and the mutant's first failing case re-fails when rebuilt from its index.
constexpr int64_t kCasesPerGenerator = 40;
constexpr uint64_t kSeed = 20261124;

TEST(ReductionFamily, EveryCorrectKernelPassesTheBudget) {
  CheckOptions opt;
  opt.cases = kCasesPerGenerator;
  opt.seed = kSeed;
  const auto ks = correct_kernels();
  ASSERT_FALSE(ks.empty());
  for (const KernelSummary& s : run_check(ks, opt)) {
    EXPECT_EQ(s.failures, 0) << s.kernel->name << ": "
                             << (s.first_failure ? repro(*s.kernel, kSeed, s.first_failure->index)
                                                 : "");
    EXPECT_GT(s.cases - s.domain_limits, 0)
        << s.kernel->name << " checked nothing inside its domain";
  }
}

TEST(ReductionFamily, EveryMutantIsCaughtAndItsReproReFails) {
  ASSERT_GE(mutants().size(), 6u);
  CheckOptions opt;
  opt.cases = kCasesPerGenerator;
  opt.seed = kSeed;
  for (const KernelSummary& s : run_check(mutants(), opt)) {
    ASSERT_TRUE(s.first_failure.has_value())
        << s.kernel->name << " (" << s.kernel->bug << ") was not caught";
    const Verdict again =
        case_verdict(*s.kernel, make_case(*s.kernel, kSeed, s.first_failure->index));
    EXPECT_TRUE(is_failure(again)) << repro(*s.kernel, kSeed, s.first_failure->index);
    const KernelDesc* original = find_kernel(s.kernel->imitates);
    ASSERT_NE(original, nullptr) << s.kernel->name << " imitates an unknown kernel";
    EXPECT_EQ(s.kernel->recipe.summary(), original->recipe.summary()) << s.kernel->name;
  }
}

}  // namespace
}  // namespace numguard
