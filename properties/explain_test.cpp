// `numguard explain` over the kernel table (harness/explain/):
// - every CPU mutant declares a mechanism the catalogue has, and explain ranks exactly that
//   hypothesis first and says it explains every failure (the acceptance: at least 90 %
//   of mutants; here all of them, so a mutant added without a fitting hypothesis fails CI);
// - every correct CPU kernel has nothing to explain (no false mechanism);
// - the declared model of every correct reduction kernel reproduces it bit for bit, so a
//   hypothesis that fits is evidence about the kernel and not about the model's own drift.
// Cases: the check's fixed seed 1 (explain's default); a failure names the kernel.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness/engine/check_runner.h"
#include "harness/engine/op.h"
#include "harness/engine/registry.h"
#include "harness/explain/explain_run.h"
#include "harness/explain/hypothesis.h"

namespace numguard::explain {
namespace {

// Cases per generator where a test runs explain over many kernels: fewer under the sanitizers
// (CMake sets NUMGUARD_SANITIZED there), where every case costs several times more; every
// mutant is still named at 40 (measured with numguard explain --cases 40).
int64_t table_cases() {
  return std::getenv("NUMGUARD_SANITIZED") ? 40 : 100;
}

std::vector<const KernelDesc*> cpu_kernels(bool mutants) {
  std::vector<const KernelDesc*> v;
  for (const KernelDesc& k : registry().kernels())
    if (k.device == Device::cpu && k.mutant == mutants) v.push_back(&k);
  return v;
}

TEST(Explain, EveryCpuMutantDeclaresAMechanismTheCatalogueHas) {
  const auto mutants = cpu_kernels(true);
  ASSERT_FALSE(mutants.empty());
  for (const KernelDesc* k : mutants) {
    ASSERT_FALSE(k->mechanism.empty()) << k->name << " declares no mechanism";
    const std::vector<Hypothesis> cat = catalogue(k->op, k->recipe);
    EXPECT_TRUE(
        std::ranges::any_of(cat, [&](const Hypothesis& h) { return h.tag == k->mechanism; }))
        << k->name << ": no hypothesis tagged " << k->mechanism << " for op " << k->op;
  }
}

TEST(Explain, NamesEveryCpuMutantsPlantedMechanismFirst) {
  const auto mutants = cpu_kernels(true);
  ASSERT_FALSE(mutants.empty());
  for (const KernelDesc* k : mutants) {
    const Explanation e = explain_kernel(*k, {.seed = 1, .cases = table_cases()});
    ASSERT_GT(e.failing, 0) << k->name << " fails no case: nothing for explain to find";
    ASSERT_FALSE(e.hypotheses.empty()) << k->name;
    EXPECT_EQ(e.hypotheses.front().tag, k->mechanism) << k->name << ": " << e.verdict;
    EXPECT_TRUE(e.explained) << k->name << ": " << e.verdict;
  }
}

TEST(Explain, CorrectCpuKernelsHaveNothingToExplain) {
  const auto kernels = cpu_kernels(false);
  ASSERT_FALSE(kernels.empty());
  for (const KernelDesc* k : kernels) {
    const Explanation e = explain_kernel(*k, {.seed = 1, .cases = 10});
    EXPECT_EQ(e.failing, 0) << k->name << ": " << e.verdict;
    EXPECT_TRUE(e.explained) << k->name;
    EXPECT_TRUE(e.hypotheses.empty()) << k->name << " got a mechanism: " << e.verdict;
  }
}

// The reduction family's declared model is the CPU kernels' own arithmetic: on every case of
// every correct CPU reduction kernel whose order it covers it gives the kernel's bits (a zero's
// sign aside, as explain compares).
TEST(Explain, DeclaredReductionModelReproducesTheCorrectKernels) {
  int64_t checked = 0;
  for (const KernelDesc* k : cpu_kernels(false)) {
    if (k->op != "dot" && k->op != "sum" && k->op != "gemm") continue;
    if (k->recipe.shape.order == Order::any || k->name.ends_with("cuda-core.twin")) continue;
    const std::vector<Hypothesis> cat = catalogue(k->op, k->recipe);
    ASSERT_FALSE(cat.empty()) << k->name;
    ASSERT_EQ(cat.front().tag, "as_declared");
    const OpInfo& op = *find_op(k->op);
    for (int64_t i = 0; i < 60; ++i) {
      const Problem p = make_case(*k, 1, i);
      Tensor out(k->recipe.out, op.out_shape(p)), model(k->recipe.out, op.out_shape(p));
      try {
        run_kernel(*k, p, out);
      } catch (const std::exception&) {
        continue;  // a case the kernel refuses
      }
      cat.front().predict(p, model);
      ++checked;
      for (size_t e = 0; e < out.size(); ++e) {
        const bool same = out.bits[e] == model.bits[e] ||
                          (is_nan(out.format, out.bits[e]) && is_nan(out.format, model.bits[e])) ||
                          (out.value(e) == 0 && model.value(e) == 0);
        ASSERT_TRUE(same) << k->name << " case " << i << " element " << e << ": kernel bits "
                          << out.bits[e] << ", model bits " << model.bits[e]
                          << " (replay: numguard check --kernel " << k->name << " --case " << i
                          << ")";
      }
    }
  }
  EXPECT_GT(checked, 0);
}

const Hypothesis& tagged(const std::vector<Hypothesis>& cat, const std::string& tag) {
  const auto it = std::ranges::find(cat, tag, &Hypothesis::tag);
  if (it == cat.end()) throw std::runtime_error("no hypothesis " + tag);
  return *it;
}

// Mechanisms no mutant plants: a kernel that runs the hypothesis's own model under the correct
// kernel's recipe must be explained as that hypothesis (the catalogue names what it can model,
// and no other hypothesis is the same model on these cases).
TEST(Explain, AKernelRunningAHypothesisModelIsExplainedAsThatHypothesis) {
  const std::pair<const char*, const char*> table[] = {
      {"layernorm.fp16.fp32acc.warp32_welford.twin", "welford_merge_without_delta"},
      {"gemm.bf16.fp32acc.sequential", "acc_frac_bits=16"},
      {"sum.fp32.fp32acc.sequential", "ftz=acc"},  // fp32 sums reach fp32 subnormals
      {"sum.fp32.fp32acc.pairwise", "order=sequential"},
      {"gemm.fp16.fp32acc.sequential", "product_format=fp16"},
      {"softmax.fp16.fp32acc.twopass", "stage=fp16"},
  };
  ASSERT_GT(std::size(table), 0u);
  for (const auto& [kernel, tag] : table) {
    const KernelDesc* k = registry().find(kernel);
    ASSERT_NE(k, nullptr) << kernel;
    KernelDesc planted = *k;
    planted.name = std::string("planted.") + tag;
    planted.run = tagged(catalogue(k->op, k->recipe), tag).predict;
    const Explanation e = explain_kernel(planted, {.seed = 1, .cases = table_cases()});
    ASSERT_GT(e.failing, 0) << tag << " makes " << kernel << " fail no case";
    EXPECT_EQ(e.hypotheses.front().tag, tag) << kernel << ": " << e.verdict;
  }
}

Tensor fp32_tensor(std::vector<int64_t> shape, const std::vector<float>& v) {
  Tensor t(Format::fp32, std::move(shape));
  for (size_t i = 0; i < v.size(); ++i) t.bits[i] = std::bit_cast<uint32_t>(v[i]);
  return t;
}

// alpha folded into A before the products overflows where alpha times the sum does not (the
// cuBLAS behaviour of docs/GPU_RESULTS.md): reference 2 * (2e38 - 1.9e38) = 2e37.
TEST(Explain, AlphaToInputsOverflowsWhereAlphaOnTheSumDoesNot) {
  const KernelDesc* k = registry().find("gemm.fp32.fp32acc.sequential");
  ASSERT_NE(k, nullptr);
  const std::vector<Hypothesis> cat = catalogue("gemm", k->recipe);
  Problem p{.m = 1, .n = 1, .k = 2};
  p.a = fp32_tensor({1, 2}, {2e38f, -1.9e38f});
  p.b = fp32_tensor({2, 1}, {1.0f, 1.0f});
  p.alpha = 2;
  Tensor declared(Format::fp32, {1, 1}), folded(Format::fp32, {1, 1});
  tagged(cat, "as_declared").predict(p, declared);
  tagged(cat, "alpha_to_inputs").predict(p, folded);
  EXPECT_FLOAT_EQ(std::bit_cast<float>(static_cast<uint32_t>(declared.bits[0])), 2e37f);
  EXPECT_TRUE(
      std::isnan(std::bit_cast<float>(static_cast<uint32_t>(folded.bits[0]))));  // inf - inf
}

}  // namespace
}  // namespace numguard::explain
