// Wall time of the report's studies over every built-in CPU kernel (or the comma-separated globs
// in STUDY_KERNELS): accumulation, range and tradeoffs, quick (argument 0) and full (1), one
// iteration each. Run by hand -- the full sweeps take minutes:
//   build/nocuda/bench/study_timing_bench --benchmark_filter='/0'    (quick sweeps)
//   build/nocuda/bench/study_timing_bench                             (quick and full)
// docs/studies-accumulation.md, studies-range.md and studies-tradeoffs.md record the figures.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "harness/engine/registry.h"
#include "harness/studies/accumulation.h"
#include "harness/studies/range_boundaries.h"
#include "harness/studies/tradeoffs.h"

namespace numguard::studies {
namespace {

StudyOptions options(bool quick) {
  StudyOptions opt;
  opt.quick = quick;
  const char* glob = std::getenv("STUDY_KERNELS");
  for (const KernelDesc* k : select_kernels(glob ? glob : "*", false))
    if (k->device == Device::cpu) opt.kernels.push_back(k);
  return opt;
}

void BM_Accumulation(benchmark::State& state) {
  const StudyOptions opt = options(state.range(0) == 0);
  size_t curves = 0;
  for (auto _ : state) curves = run_accumulation(opt).curves.size();
  state.counters["kernels"] = static_cast<double>(opt.kernels.size());
  state.counters["curves"] = static_cast<double>(curves);
}
BENCHMARK(BM_Accumulation)->Arg(0)->Arg(1)->Iterations(1)->UseRealTime()->Unit(benchmark::kSecond);

void BM_Range(benchmark::State& state) {
  const StudyOptions opt = options(state.range(0) == 0);
  size_t records = 0;
  for (auto _ : state) records = run_range(opt).records.size();
  state.counters["kernels"] = static_cast<double>(records);
}
BENCHMARK(BM_Range)->Arg(0)->Arg(1)->Iterations(1)->UseRealTime()->Unit(benchmark::kSecond);

void BM_Tradeoffs(benchmark::State& state) {
  const StudyOptions opt = options(state.range(0) == 0);
  size_t ops = 0;
  for (auto _ : state) ops = run_tradeoffs(opt, {}, {}).ops.size();
  state.counters["ops"] = static_cast<double>(ops);
}
BENCHMARK(BM_Tradeoffs)->Arg(0)->Arg(1)->Iterations(1)->UseRealTime()->Unit(benchmark::kSecond);

}  // namespace
}  // namespace numguard::studies

BENCHMARK_MAIN();
