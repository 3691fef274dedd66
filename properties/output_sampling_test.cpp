// Sampled verification (harness/engine/output_sampling.h, harness/core/output_sample.h):
// - a sample has exactly the requested size, sorted and distinct, the same for the same case,
//   and holds the output's corners and the boundary rows and columns of every tile size;
// - under a sample, every built-in CPU kernel of the reduction family (dot, sum, sumsq, gemm;
//   mutants included), and the row kernels of the row-sampled ops, compute at each sampled
//   element exactly the bits they compute in a full run, and
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

// The row ops judged row by row (softmax, log_softmax, the forward norms, attention) and the
// elementwise activations: under a sample their CPU kernels compute the sampled elements as in
// a full run and their judges return exactly the sampled elements, each with the full judge's
// reference and bound; the row ops' samples sit in few rows.
TEST(OutputSampling, RowOpJudgesGiveTheFullJudgementAtTheSample) {
  const char* names[] = {"softmax.bf16.fp32acc.twopass",   "log_softmax.fp32.fp32acc.twopass",
                         "layernorm.fp16.fp32acc.twopass", "rmsnorm.bf16.fp32acc.direct",
                         "attention.fp16.fp32acc.tiled",   "gelu.bf16.fp32acc.direct"};
  int row_ops = 0;
  for (const char* name : names) {
    const KernelDesc* k = find_kernel(name);
    ASSERT_NE(k, nullptr) << name;
    const OpInfo& op = *find_op(k->op);
    const ShapeRequest shape = k->op == "attention" ? ShapeRequest{.m = 300, .n = 40, .k = 64}
                                                    : ShapeRequest{.m = 300, .n = 256};
    const ForcedShape forced(shape);
    Rng rng(case_seed(1, 0));
    const Problem p = op.make(*k, rng, "transformer");
    const std::vector<int64_t> out = op.out_shape(p);
    const int64_t cols = out.size() == 2 ? out[1] : 1;
    const OutputSample s = sample_of(op, p, 2048);
    Tensor full(k->recipe.out, out), part(k->recipe.out, out);
    run_kernel(*k, p, full);
    std::vector<OpElement> judged, all = op.judge(k->recipe, p);
    {
      const OutputSampleScope scope(&s);
      run_kernel(*k, p, part);
      judged = op.judge(k->recipe, p);
    }
    ASSERT_EQ(judged.size(), s.indices().size()) << name;
    for (size_t at = 0; at < s.indices().size(); ++at) {
      const size_t i = s.indices()[at];
      ASSERT_EQ(part.bits[i], full.bits[i]) << name << ": element " << i;
      ASSERT_TRUE(judged[at].value == all[i].value ||
                  (std::isnan(judged[at].value) && std::isnan(all[i].value)))
          << name << ": reference of element " << i;
      ASSERT_EQ(judged[at].bound, all[i].bound) << name << ": bound of element " << i;
    }
    if (!op.row_sampling) continue;
    ++row_ops;
    std::vector<bool> rows(static_cast<size_t>(out[0]));
    for (size_t i : s.indices()) rows[i / static_cast<size_t>(cols)] = true;
    const auto touched = std::count(rows.begin(), rows.end(), true);
    EXPECT_LT(touched, out[0]) << name << ": the sample covers every row";
  }
  EXPECT_EQ(row_ops, 5);
}

}  // namespace
}  // namespace numguard
