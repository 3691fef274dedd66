// Checks at production shapes (docs/INPUTS.md, docs/PERFORMANCE.md): numguard's own time for
// one case -- choosing the sample, the exact references and bounds of the sampled elements,
// the verdicts -- apart from the kernel's time, for
//   - a 4096 x 4096 x 4096 bf16 -> fp32 GEMM verified at 65,536 sampled outputs,
//   - a 1024 x 1024 x 1024 bf16 GEMM verified in full,
//   - a softmax of 64 rows x 131,072 columns in bf16 verified in full.
// The inputs are drawn once, outside the timing (uniform generator, seed 1).
// Run: build/nocuda/bench/sampled_check_bench (each benchmark runs one iteration)
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <optional>

#include "harness/engine/case_shapes.h"
#include "harness/engine/check_runner.h"
#include "harness/engine/op.h"
#include "harness/engine/output_sampling.h"
#include "harness/engine/random.h"
#include "harness/engine/registry.h"
#include "harness/engine/verdict.h"
#include "references/split_dot.h"

namespace numguard {
namespace {

const KernelDesc& kernel(const char* name) {
  const KernelDesc* k = find_kernel(name);
  if (!k) {
    std::fprintf(stderr, "kernel %s is not registered\n", name);
    std::abort();
  }
  return *k;
}

const Problem& problem(const KernelDesc& k, int64_t m, int64_t n, int64_t kk) {
  static std::optional<Problem> cached;
  static int64_t key = -1;
  if (key != m * 1000003 + n * 1009 + kk) {
    const ShapeRequest s{.m = m, .n = n, .k = kk};
    const ForcedShape forced(s);
    Rng rng(case_seed(1, 0));
    cached = find_op(k.op)->make(k, rng, "uniform");
    key = m * 1000003 + n * 1009 + kk;
  }
  return *cached;
}

// numguard's part of a case: the sample (if any), the references and bounds, the verdicts.
void own_time(benchmark::State& state, const KernelDesc& k, const Problem& p, int64_t sample) {
  const OpInfo& op = *find_op(k.op);
  Tensor out(k.recipe.out, op.out_shape(p));
  std::optional<OutputSample> s;
  if (sample > 0) s = sample_of(op, p, sample);
  {
    const OutputSampleScope scope(s ? &*s : nullptr);
    run_kernel(k, p, out);  // outside the timing: the kernel's time is measured apart
  }
  for (auto _ : state) {
    std::optional<OutputSample> chosen;
    if (sample > 0) chosen = sample_of(op, p, sample);
    const OutputSampleScope scope(chosen ? &*chosen : nullptr);
    const std::vector<OpElement> el = op.judge(k.recipe, p);
    int64_t failing = 0;
    for (size_t at = 0; at < el.size(); ++at) {
      const size_t i = chosen ? chosen->indices()[at] : at;
      const ElementCheck e = judge_value(k.recipe, el[at].value, el[at].bound, el[at].estimate,
                                         out.bits[i], el[at].out_cast);
      failing += is_failure(e.verdict) ? 1 : 0;
    }
    benchmark::DoNotOptimize(failing);
    state.counters["verified"] = static_cast<double>(el.size());
  }
}

void kernel_time(benchmark::State& state, const KernelDesc& k, const Problem& p, int64_t sample) {
  const OpInfo& op = *find_op(k.op);
  std::optional<OutputSample> s;
  if (sample > 0) s = sample_of(op, p, sample);
  for (auto _ : state) {
    Tensor out(k.recipe.out, op.out_shape(p));
    const OutputSampleScope scope(s ? &*s : nullptr);
    run_kernel(k, p, out);
    benchmark::DoNotOptimize(out.bits.data());
  }
}

void BM_Gemm4096Sampled_Numguard(benchmark::State& state) {
  const KernelDesc& k = kernel("gemm.bf16.fp32acc.blocked32");
  own_time(state, k, problem(k, 4096, 4096, 4096), 65536);
}
void BM_Gemm4096Sampled_Kernel(benchmark::State& state) {
  const KernelDesc& k = kernel("gemm.bf16.fp32acc.blocked32");
  kernel_time(state, k, problem(k, 4096, 4096, 4096), 65536);
}
void BM_Gemm1024Full_Numguard(benchmark::State& state) {
  const KernelDesc& k = kernel("gemm.bf16.fp32acc.blocked32");
  own_time(state, k, problem(k, 1024, 1024, 1024), 0);
}
// The same with the portable split kernels (no AVX2): what a CPU without them gets.
void BM_Gemm1024Full_Numguard_Portable(benchmark::State& state) {
  split_dot::use_isa(split_dot::Isa::portable);
  const KernelDesc& k = kernel("gemm.bf16.fp32acc.blocked32");
  own_time(state, k, problem(k, 1024, 1024, 1024), 0);
  split_dot::use_isa(split_dot::Isa::best);
}
void BM_Softmax64x131072Full_Numguard(benchmark::State& state) {
  const KernelDesc& k = kernel("softmax.bf16.fp32acc.twopass");
  own_time(state, k, problem(k, 64, 131072, 0), 0);
}

BENCHMARK(BM_Gemm4096Sampled_Numguard)->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK(BM_Gemm4096Sampled_Kernel)->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK(BM_Gemm1024Full_Numguard)->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK(BM_Gemm1024Full_Numguard_Portable)->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK(BM_Softmax64x131072Full_Numguard)->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace
}  // namespace numguard

BENCHMARK_MAIN();
