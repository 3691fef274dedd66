// What running plugin kernels in worker processes costs (harness/engine/kernel_worker.h): one
// call of a trivial fp32 sum, in-process against through a worker, at a check's typical sizes
// (k = 64) and a long row (k = 65536), so the overhead per call and per byte is one run's ratio
// (docs/PERFORMANCE.md, "Plugin worker processes").
#include <benchmark/benchmark.h>

#include <cstring>
#include <vector>

#include "harness/engine/kernel_worker.h"

namespace numguard {
namespace {

int sum_fp32(const numguard_problem* p, uint64_t* out, int64_t) {
  float s = 0;
  for (int64_t i = 0; i < p->a.count; ++i) {
    float v;
    const uint32_t b = static_cast<uint32_t>(p->a.bits[i]);
    std::memcpy(&v, &b, sizeof v);
    s += v;
  }
  uint32_t b;
  std::memcpy(&b, &s, sizeof b);
  out[0] = b;
  return 0;
}

numguard_problem problem(const std::vector<uint64_t>& a) {
  numguard_problem p{};
  p.m = p.n = 1;
  p.k = static_cast<int64_t>(a.size());
  p.a = {a.data(), p.k};
  return p;
}

void BM_InProcess(benchmark::State& state) {
  const std::vector<uint64_t> a(static_cast<size_t>(state.range(0)), 0x3f800000u);
  const numguard_problem p = problem(a);
  uint64_t out = 0;
  numguard_run_fn fn = sum_fp32;  // called through a pointer, as the loader calls a plugin
  for (auto _ : state) {
    benchmark::DoNotOptimize(fn);
    benchmark::DoNotOptimize(fn(&p, &out, 1));
    benchmark::ClobberMemory();
  }
}

void BM_Worker(benchmark::State& state) {
  kernel_worker::start();
  const std::vector<uint64_t> a(static_cast<size_t>(state.range(0)), 0x3f800000u);
  const numguard_problem p = problem(a);
  uint64_t out = 0;
  for (auto _ : state)
    benchmark::DoNotOptimize(kernel_worker::run("sum", sum_fp32, false, p, &out, 1));
}

BENCHMARK(BM_InProcess)->Arg(64)->Arg(65536);
BENCHMARK(BM_Worker)->Arg(64)->Arg(65536);

}  // namespace
}  // namespace numguard

BENCHMARK_MAIN();
