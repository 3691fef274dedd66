// Sampled verification (harness/engine/output_sampling.h, harness/core/output_sample.h):
// - a sample has exactly the requested size, sorted and distinct, the same for the same case,
//   and holds the output's corners and the boundary rows and columns of every tile size;
// - under a sample, every built-in CPU kernel of the reduction family (dot, sum, sumsq, gemm;
// mutants
//   included) computes at each sampled element exactly the bits it computes in a full run, and
//   the reference judges each sampled element exactly as the full reference does: a sampled
//   check is the full check restricted to the sample, never an approximation of it.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "harness/engine/case_shapes.h"
#include "harness/engine/check_runner.h"
#include "harness/engine/op.h"
#include "harness/engine/output_sampling.h"
#include "harness/engine/registry.h"

namespace numguard {
namespace {

Problem gemm_case(int64_t m, int64_t n, int64_t k, const KernelDesc& kernel) {
  const ShapeRequest shape{.m = m, .n = n, .k = k};
  const ForcedShape forced(shape);
  Rng rng(case_seed(1, 0));
  return find_op(kernel.op)->make(kernel, rng, "uniform");
}

const KernelDesc& kernel(const char* name) {
  const KernelDesc* k = find_kernel(name);
  if (!k) throw std::runtime_error(std::string("no kernel ") + name);
  return *k;
}

bool holds(const OutputSample& s, int64_t i, int64_t j, int64_t cols) {
  return std::binary_search(s.indices().begin(), s.indices().end(),
                            static_cast<size_t>(i * cols + j));
}

TEST(OutputSampling, HasTheRequestedSizeSortedDistinctAndReproducible) {
  const KernelDesc& k = kernel("gemm.bf16.fp32acc.blocked32");
  const Problem p = gemm_case(300, 300, 64, k);
  for (const int64_t count : {1, 7, 100, 4096, 89999}) {
    const OutputSample s = sample_of(*find_op("gemm"), p, count);
    EXPECT_EQ(s.indices().size(), static_cast<size_t>(count));
    EXPECT_TRUE(std::is_sorted(s.indices().begin(), s.indices().end()));
    EXPECT_EQ(std::adjacent_find(s.indices().begin(), s.indices().end()), s.indices().end());
    EXPECT_LE(s.structured(), s.indices().size());
    EXPECT_EQ(s.indices(), sample_of(*find_op("gemm"), p, count).indices());
  }
}

TEST(OutputSampling, HoldsTheCornersAndEveryTileBoundary) {
  const KernelDesc& k = kernel("gemm.bf16.fp32acc.blocked32");
  const int64_t rows = 300, cols = 280;
  const Problem p = gemm_case(rows, cols, 64, k);
  const OutputSample s = sample_of(*find_op("gemm"), p, 4096);
  for (const auto& [i, j] : std::array<std::pair<int64_t, int64_t>, 4>{
           {{0, 0}, {0, cols - 1}, {rows - 1, 0}, {rows - 1, cols - 1}}})
    EXPECT_TRUE(holds(s, i, j, cols)) << "corner (" << i << ", " << j << ")";
  // The last row of a tile and the first of the next, for every tile size, at both ends.
  for (const int64_t t : {16, 32, 64, 128, 256}) {
    EXPECT_TRUE(holds(s, t - 1, t, cols)) << "tile " << t;
    EXPECT_TRUE(holds(s, t, t - 1, cols)) << "tile " << t;
    const int64_t last_r = (rows - 1) / t * t, last_c = (cols - 1) / t * t;  // tail tile starts
    EXPECT_TRUE(holds(s, last_r, last_c, cols)) << "tail tile of " << t;
    EXPECT_TRUE(holds(s, last_r - 1, cols - 1, cols)) << "tail tile of " << t;
  }
}

TEST(OutputSampling, EveryReductionKernelComputesTheSampledElementsAsInAFullRun) {
  std::vector<const KernelDesc*> kernels;
  for (const KernelDesc& k : registry().kernels())
    if (k.device == Device::cpu && find_op(k.op)->recipe_use.accumulation) kernels.push_back(&k);
  ASSERT_FALSE(kernels.empty());
  for (const KernelDesc* k : kernels) {
    const OpInfo& op = *find_op(k->op);
    const bool gemm = k->op == "gemm";
    const Problem p = gemm ? gemm_case(40, 37, 70, *k) : [&] {
      const ShapeRequest shape =
          k->op == "dot" ? ShapeRequest{.k = 70} : ShapeRequest{.m = 300, .k = 70};
      const ForcedShape forced(shape);
      Rng rng(case_seed(1, 0));
      return op.make(*k, rng, "uniform");
    }();
    Tensor full(k->recipe.out, op.out_shape(p));
    run_kernel(*k, p, full);
    if (full.size() < 8) continue;  // dot: one element, nothing to sample
    const OutputSample s = sample_of(op, p, static_cast<int64_t>(full.size() / 5));
    Tensor part(k->recipe.out, op.out_shape(p));
    std::vector<OpElement> judged, all = op.judge(k->recipe, p);
    {
      const OutputSampleScope scope(&s);
      run_kernel(*k, p, part);
      judged = op.judge(k->recipe, p);
    }
    ASSERT_EQ(judged.size(), s.indices().size()) << k->name;
    for (size_t at = 0; at < s.indices().size(); ++at) {
      const size_t i = s.indices()[at];
      ASSERT_EQ(part.bits[i], full.bits[i]) << k->name << ": element " << i;
      ASSERT_TRUE(judged[at].value == all[i].value ||
                  (std::isnan(judged[at].value) && std::isnan(all[i].value)))
          << k->name << ": reference of element " << i;
      ASSERT_EQ(judged[at].bound, all[i].bound) << k->name << ": bound of element " << i;
    }
  }
}

}  // namespace
}  // namespace numguard
