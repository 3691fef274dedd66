// Check throughput: cases per second for a 64x64x64 bf16 GEMM kernel (kernel run, exact
// reference and judging every element), on 1 and 2 threads, and the exact reference alone
// so that its share of a check is visible in one run (docs/PERFORMANCE.md).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>

#include "harness/engine/check_runner.h"
#include "harness/engine/generators.h"
#include "harness/engine/ops/reduction_reference.h"
#include "harness/engine/random.h"
#include "harness/engine/registry.h"

namespace numguard {
namespace {

constexpr const char* kKernel = "gemm.bf16.fp32acc.blocked32";

const KernelDesc& kernel() {
  const KernelDesc* k = find_kernel(kKernel);
  if (!k) {
    std::fprintf(stderr, "kernel %s is not registered\n", kKernel);
    std::abort();
  }
  return *k;
}

Problem gemm64(uint64_t seed) {
  Rng r(seed);
  Problem p;
  p.m = p.n = p.k = 64;
  p.a = Tensor(Format::bf16, {64, 64});
  p.b = Tensor(Format::bf16, {64, 64});
  for (auto& b : p.a.bits) b = to_bits(Format::bf16, r.uniform(-1, 1));
  for (auto& b : p.b.bits) b = to_bits(Format::bf16, r.uniform(-1, 1));
  return p;
}

void BM_CheckCase(benchmark::State& state) {
  const Problem p = gemm64(static_cast<uint64_t>(state.thread_index()) + 1);
  for (auto _ : state) {
    const CaseOutcome o = evaluate_case(kernel(), p);
    if (is_failure(o.verdict)) state.SkipWithError("correct kernel failed its bound");
    benchmark::DoNotOptimize(o);
  }
  state.SetItemsProcessed(state.iterations());  // items = cases
}
BENCHMARK(BM_CheckCase)->Threads(1)->Threads(2)->UseRealTime()->Unit(benchmark::kMicrosecond);

void BM_ExactReferenceOnly(benchmark::State& state) {
  const Problem p = gemm64(1);
  for (auto _ : state) benchmark::DoNotOptimize(ops::reduction_reference(p, /*products=*/true));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ExactReferenceOnly)->Unit(benchmark::kMicrosecond);

void BM_KernelOnly(benchmark::State& state) {
  const Problem p = gemm64(1);
  Tensor out(Format::fp32, {64, 64});
  for (auto _ : state) {
    kernel().run(p, out);
    benchmark::DoNotOptimize(out.bits.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_KernelOnly)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace numguard

BENCHMARK_MAIN();
