// Properties of the attention kernels (every correct CPU kernel of op "attention"):
// - a fully masked query row (lengths[i] = 0) gives exact zeros, never NaN, whatever Q, K, V;
// - the error stays within the derived bound over random cases of every generator;
// - permuting the keys and values together (unmasked rows) leaves the reference unchanged
//   (exactly: the MPFR sums are correctly rounded) and the output within the bound.
// Adding a constant to all scores of a row is exact in the math but cannot be planted
// exactly through Q (the shift would have to be a dot product with every K row), so it is not
// tested here.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "harness/engine/check_runner.h"
#include "harness/engine/generators.h"
#include "harness/engine/op.h"
#include "harness/engine/random.h"
#include "harness/engine/registry.h"
#include "references/attention_reference.h"

namespace numguard {
namespace {

std::vector<const KernelDesc*> attention_kernels() {
  std::vector<const KernelDesc*> ks;
  for (const KernelDesc& k : registry().kernels())
    if (k.op == "attention" && !k.mutant && k.device == Device::cpu) ks.push_back(&k);
  return ks;
}

TEST(Attention, KernelsRegistered) {
  EXPECT_GE(attention_kernels().size(), 6u);
}

RC_GTEST_PROP(Attention, FullyMaskedRowsAreExactZeros, ()) {
  const auto seed = *rc::gen::inRange<uint64_t>(1, 1u << 30);
  const auto index = *rc::gen::inRange<int64_t>(0, 2000);
  const auto ks = attention_kernels();
  RC_ASSERT(!ks.empty());
  size_t masked_rows = 0;
  for (const KernelDesc* k : ks) {
    Problem p = make_case(*k, seed, index);
    Rng r(seed ^ 0x5eed);
    for (auto& l : p.lengths)
      if (r.coin(0.5)) l = 0;
    p.lengths[0] = 0;
    Tensor out(k->recipe.out, {p.m, p.k});
    k->run(p, out);
    for (int64_t i = 0; i < p.m; ++i) {
      if (p.lengths[static_cast<size_t>(i)] != 0) continue;
      ++masked_rows;
      for (int64_t d = 0; d < p.k; ++d) {
        const double y = out.value(static_cast<size_t>(i * p.k + d));
        RC_ASSERT(y == 0.0);  // NaN fails too
      }
    }
  }
  // Row 0 is masked in every kernel's case, so each kernel checked at least one row.
  RC_ASSERT(masked_rows >= ks.size());
}

// The property above can fail: the mutant that masks by -inf without a guard gives NaN there.
TEST(Attention, MaskedRowPropertyCatchesTheNaNMutant) {
  const KernelDesc* k = find_kernel("mutant.attention.fp16.masked_row_nan");
  ASSERT_NE(k, nullptr);
  Problem p = make_case(*k, 1, 0);
  p.lengths[0] = 0;
  Tensor out(k->recipe.out, {p.m, p.k});
  k->run(p, out);
  EXPECT_TRUE(std::isnan(out.value(0)));
}

// The finite -10000 sentinel is caught without any fully masked row: on near_overflow cases
// (scores of 1e4..6e4 of both signs) a masked key outscores the visible ones by more than 10000.
TEST(Attention, FiniteSentinelUnmasksWithoutEmptyRows) {
  const KernelDesc* k = find_kernel("mutant.attention.fp16.finite_mask_sentinel");
  ASSERT_NE(k, nullptr);
  int caught = 0;
  const auto gens = static_cast<int64_t>(case_generators().size());
  for (int64_t i = 4; i < 200 * gens; i += gens) {  // generator 4: near_overflow
    std::string g;
    Problem p = make_case(*k, 1, i, &g);
    ASSERT_EQ(g, "near_overflow");
    for (auto& l : p.lengths) l = std::max<int64_t>(l, 1);
    caught += is_failure(evaluate_case(*k, p).verdict) ? 1 : 0;
  }
  EXPECT_GT(caught, 10);
}

TEST(Attention, WithinBoundOverRandomCases) {
  const auto ks = attention_kernels();
  ASSERT_FALSE(ks.empty());
  for (const KernelDesc* k : ks)
    for (int64_t i = 0; i < 300; ++i) {
      std::string g;
      const Problem p = make_case(*k, 7, i, &g);
      const CaseOutcome c = evaluate_case(*k, p);
      EXPECT_FALSE(is_failure(c.verdict))
          << k->name << " generator " << g << ": numguard check --kernel " << k->name
          << " --seed 7 --case " << i;
    }
}

RC_GTEST_PROP(Attention, KeyPermutationKeepsReferenceAndBound, ()) {
  const auto seed = *rc::gen::inRange<uint64_t>(1, 1u << 30);
  const auto index = *rc::gen::inRange<int64_t>(0, 2000);
  const OpInfo* op = find_op("attention");
  RC_ASSERT(op != nullptr);
  const auto ks = attention_kernels();
  RC_ASSERT(!ks.empty());
  for (const KernelDesc* k : ks) {
    Problem p = make_case(*k, seed, index);
    std::fill(p.lengths.begin(), p.lengths.end(), p.n);  // every key visible
    std::vector<int64_t> perm(static_cast<size_t>(p.n));
    std::iota(perm.begin(), perm.end(), 0);
    Rng r(seed + 17);
    for (int64_t j = p.n - 1; j > 0; --j) std::swap(perm[j], perm[r.integer(0, j)]);
    Problem q = p;
    for (int64_t j = 0; j < p.n; ++j)
      for (int64_t d = 0; d < p.k; ++d) {
        const auto to = static_cast<size_t>(j * p.k + d);
        const auto from = static_cast<size_t>(perm[j] * p.k + d);
        q.b.bits[to] = p.b.bits[from];
        q.c.bits[to] = p.c.bits[from];
      }
    const std::vector<OpElement> a = op->judge(k->recipe, p), b = op->judge(k->recipe, q);
    for (size_t e = 0; e < a.size(); ++e)
      RC_ASSERT((a[e].value == b[e].value) || (std::isnan(a[e].value) && std::isnan(b[e].value)));
    RC_ASSERT(!is_failure(evaluate_case(*k, q).verdict));
  }
}

// The reference at 192 bits agrees with a 384-bit evaluation after the rounding to double.
TEST(Attention, ReferencePrecisionSuffices) {
  const KernelDesc* k = find_kernel("attention.fp32.fp32acc.naive");
  ASSERT_NE(k, nullptr);
  for (int64_t i = 0; i < 200; ++i) {
    const Problem p = make_case(*k, 11, i);
    std::vector<double> kk(p.b.size()), v(p.c.size()), q(static_cast<size_t>(p.k));
    for (size_t j = 0; j < kk.size(); ++j) kk[j] = p.b.value(j);
    for (size_t j = 0; j < v.size(); ++j) v[j] = p.c.value(j);
    for (int64_t r = 0; r < p.m; ++r) {
      for (int64_t d = 0; d < p.k; ++d) q[d] = p.a.value(static_cast<size_t>(r * p.k + d));
      const int64_t len = p.lengths[static_cast<size_t>(r)];
      const auto lo = mpfr_ref::attention_row(q, kk, v, p.n, p.k, len, p.scalars[0], 192);
      const auto hi = mpfr_ref::attention_row(q, kk, v, p.n, p.k, len, p.scalars[0], 384);
      for (size_t d = 0; d < lo.size(); ++d)
        EXPECT_TRUE(lo[d] == hi[d] || (std::isnan(lo[d]) && std::isnan(hi[d])))
            << "case " << i << " row " << r << " column " << d;
    }
  }
}

}  // namespace
}  // namespace numguard
