// Exact dot products two ways: the fixed-point reference (references/exact_accumulator.h; its
// split accumulation, references/split_dot.h, answers these inputs) against MPFR
// (references/mpfr_reference.h: exact products, mpfr_sum at exact precision).
// Both return the correctly rounded fp32 result; the setup of every benchmark checks that the
// two agree bit for bit on its inputs (exact value in RNE and RD, and rounded into fp32,
// bf16 and fp16) and aborts otherwise, so a figure is never reported for wrong results.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "references/exact_accumulator.h"
#include "references/mpfr_reference.h"
#include "references/split_dot.h"

namespace numguard {
namespace {

struct Inputs {
  std::vector<uint64_t> a, b;
};

// Uniform in [-1, 1) rounded to the format (weights and activations of a normalised layer);
// the accumulator's cost does not depend on the values, MPFR's grows with their exponent span.
Inputs make_inputs(Format f, size_t n) {
  std::mt19937_64 g(20261124 + n);
  std::uniform_real_distribution<double> u(-1, 1);
  Inputs in;
  for (size_t i = 0; i < n; ++i) {
    in.a.push_back(round_double(f, u(g)).bits);
    in.b.push_back(round_double(f, u(g)).bits);
  }
  return in;
}

void verify_or_abort(Format f, const Inputs& in) {
  for (Rounding mode : {Rounding::rne, Rounding::rd}) {
    const Unpacked x = fixed_ref::dot_exact(f, in.a, in.b, mode);
    const Unpacked y = mpfr_ref::dot_exact(f, in.a, in.b, mode);
    if (x.kind != y.kind || x.negative != y.negative || x.exp != y.exp || x.mant != y.mant ||
        x.sticky != y.sticky) {
      std::fprintf(stderr, "exact_vs_mpfr_bench: exact results differ for %s n=%zu\n",
                   std::string(name(f)).c_str(), in.a.size());
      std::abort();
    }
  }
  for (Format out : {Format::fp32, Format::bf16, Format::fp16}) {
    if (fixed_ref::dot(f, in.a, in.b, out).bits != mpfr_ref::dot(f, in.a, in.b, out).bits) {
      std::fprintf(stderr, "exact_vs_mpfr_bench: rounded results differ for %s n=%zu\n",
                   std::string(name(f)).c_str(), in.a.size());
      std::abort();
    }
  }
}

template <Format F>
void BM_ExactAccumulatorDot(benchmark::State& state) {
  const Inputs in = make_inputs(F, static_cast<size_t>(state.range(0)));
  verify_or_abort(F, in);
  for (auto _ : state) {
    RoundResult r = fixed_ref::dot(F, in.a, in.b, Format::fp32);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

// The same with the portable split kernels (2 lanes, no AVX2 or F16C): what a CPU without
// them gets.
template <Format F>
void BM_ExactAccumulatorDotPortable(benchmark::State& state) {
  split_dot::use_isa(split_dot::Isa::portable);
  BM_ExactAccumulatorDot<F>(state);
  split_dot::use_isa(split_dot::Isa::best);
}

// The integer window alone (ExactAccumulator), the path before split accumulation and the
// one it falls back to.
template <Format F>
void BM_IntegerWindowDot(benchmark::State& state) {
  const Inputs in = make_inputs(F, static_cast<size_t>(state.range(0)));
  verify_or_abort(F, in);
  for (auto _ : state) {
    ExactAccumulator acc(F);
    acc.add_dot(in.a, in.b);
    RoundResult r = acc.round(Format::fp32);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

template <Format F>
void BM_MpfrDot(benchmark::State& state) {
  const Inputs in = make_inputs(F, static_cast<size_t>(state.range(0)));
  verify_or_abort(F, in);
  for (auto _ : state) {
    RoundResult r = mpfr_ref::dot(F, in.a, in.b, Format::fp32);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

BENCHMARK_TEMPLATE(BM_ExactAccumulatorDot, Format::fp16)->Arg(64)->Arg(4096);
BENCHMARK_TEMPLATE(BM_ExactAccumulatorDotPortable, Format::fp16)->Arg(4096);
BENCHMARK_TEMPLATE(BM_IntegerWindowDot, Format::fp16)->Arg(4096);
BENCHMARK_TEMPLATE(BM_MpfrDot, Format::fp16)->Arg(64)->Arg(4096);
BENCHMARK_TEMPLATE(BM_ExactAccumulatorDot, Format::bf16)->Arg(64)->Arg(4096);
BENCHMARK_TEMPLATE(BM_ExactAccumulatorDotPortable, Format::bf16)->Arg(4096);
BENCHMARK_TEMPLATE(BM_IntegerWindowDot, Format::bf16)->Arg(4096);
BENCHMARK_TEMPLATE(BM_MpfrDot, Format::bf16)->Arg(64)->Arg(4096);

}  // namespace
}  // namespace numguard

BENCHMARK_MAIN();
