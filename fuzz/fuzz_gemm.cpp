// libFuzzer target over the reduction family (dot, sum, gemm): the bytes choose a kernel, a
// bounded shape, the epilogue scalars and the bit patterns of A, B and C (layout:
// fuzz/gemm_input.h, docs/FUZZING.md); the case runs through the check engine and any failing
// verdict prints a reproducer and aborts, which libFuzzer reports as a crash and saves.
//
// Environment:
//   NUMGUARD_FUZZ_KERNEL   pin to these kernels (comma-separated names or globs, mutants
//                          included); unset: every correct CPU kernel of the family
//   NUMGUARD_FUZZ_LIST     print the candidate kernels, one per line, and exit
//   NUMGUARD_FUZZ_VERBOSE  print one line per input (kernel, shape, verdict, ratio)
//   NUMGUARD_FUZZ_INPUT    the file being replayed (set by fuzz_gemm_replay for reproducers)
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/feedback.h"
#include "fuzz/gemm_input.h"
#include "fuzz/reproducer.h"
#include "fuzz/sha1.h"
#include "harness/engine/check_runner.h"

namespace numguard::fuzz {
namespace {

// Exit statuses of the initializer; fuzz_gemm_replay passes them on (ctest skips on 3).
constexpr int kBadConfig = 2;
constexpr int kCannotRunHere = 3;  // e.g. pinned to GPU kernels on a machine without a GPU

struct Target {
  std::vector<const KernelDesc*> kernels;
  ReplayContext ctx;
  std::string artifact_prefix = "./";
  std::string exact_artifact_path;
  bool verbose = false;
};

std::string env(const char* var) {
  const char* v = std::getenv(var);
  return v ? v : "";
}

Target& target() {
  static Target t;
  return t;
}

void init(int argc, char** argv) {
  Target& t = target();
  t.ctx.program = argc > 0 ? argv[0] : "fuzz_gemm";
  t.ctx.pin = env("NUMGUARD_FUZZ_KERNEL");
#ifdef NUMGUARD_LIBFUZZER
  t.ctx.under_libfuzzer = true;  // set by fuzz/CMakeLists.txt for the -fsanitize=fuzzer build
#endif
  t.verbose = !env("NUMGUARD_FUZZ_VERBOSE").empty();
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a.starts_with("-artifact_prefix=")) t.artifact_prefix = a.substr(17);
    if (a.starts_with("-exact_artifact_path=")) t.exact_artifact_path = a.substr(21);
  }
  const Candidates c = candidate_kernels(t.ctx.pin);
  t.kernels = c.kernels;
  if (c.skipped > 0)
    std::fprintf(stderr, "fuzz_gemm: %d kernel(s) matching NUMGUARD_FUZZ_KERNEL='%s' skipped: %s\n",
                 c.skipped, t.ctx.pin.c_str(), c.skipped_why.c_str());
  if (t.kernels.empty()) {
    std::fprintf(stderr,
                 "fuzz_gemm: NUMGUARD_FUZZ_KERNEL='%s' names no dot, sum or gemm kernel%s\n",
                 t.ctx.pin.c_str(), c.skipped > 0 ? " that can run here" : "");
    std::exit(c.skipped > 0 ? kCannotRunHere : kBadConfig);
  }
  if (!env("NUMGUARD_FUZZ_LIST").empty()) {
    for (const KernelDesc* k : t.kernels) std::printf("%s\n", k->name.c_str());
    std::exit(0);
  }
}

// Turns the outcome into coverage signals (feedback.h).
void signal(size_t kernel_index, const CaseOutcome& c) {
  reach(kKernelSignals + static_cast<int>(kernel_index % (detail::kSignals - kKernelSignals)));
  reach(kVerdictSignals + static_cast<int>(c.verdict));
  if (c.domain_limit) return;
  // Binades of the worst finite error/bound ratio from 2^-60 up, bucket 0 for exact results.
  int bucket = 0;
  if (c.max_ratio > 0 && std::isfinite(c.max_ratio))
    bucket = 1 + std::clamp(static_cast<int>(std::floor(std::log2(c.max_ratio))) + 60, 0, 110);
  reach(kRatioSignals + bucket);
}

size_t index_of(const Target& t, const KernelDesc* k) {
  return static_cast<size_t>(std::find(t.kernels.begin(), t.kernels.end(), k) - t.kernels.begin());
}

}  // namespace
}  // namespace numguard::fuzz

#ifdef NUMGUARD_LIBFUZZER
// Temporary (until numguard-fuzz lands): the float-aware mutator (fuzz/float_mutator.h);
// NUMGUARD_FUZZ_MUTATOR=0 leaves libFuzzer's own mutations alone.
#include "fuzz/float_mutator.h"
extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);
extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned seed) {
  static const bool enabled = numguard::fuzz::env("NUMGUARD_FUZZ_MUTATOR") != "0";
  return enabled ? numguard::fuzz::float_mutate(data, size, max_size, seed,
                                                numguard::fuzz::target().kernels, &LLVMFuzzerMutate)
                 : LLVMFuzzerMutate(data, size, max_size);
}
#endif

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  numguard::fuzz::init(*argc, *argv);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace numguard;
  using namespace numguard::fuzz;
  Target& t = target();
  if (t.kernels.empty()) init(0, nullptr);  // a driver that skipped LLVMFuzzerInitialize
  const std::span<const uint8_t> bytes(data, size);
  const std::optional<GemmInput> in = decode_gemm_input(bytes, t.kernels);
  if (!in) return 0;

  CaseOutcome c;
  Tensor out;
  std::string what;
  try {
    c = evaluate_case(*in->kernel, in->problem, &out);
  } catch (const std::exception& e) {
    what = e.what();  // a kernel or reference that throws on a well-formed case is a bug
  }
  if (t.verbose) {
    const std::string outcome = what.empty() ? std::string(name(c.verdict)) : "exception";
    std::fprintf(stderr, "fuzz_gemm: %s m=%lld n=%lld k=%lld alpha=%g beta=%g -> %s ratio %.3g\n",
                 in->kernel->name.c_str(), static_cast<long long>(in->problem.m),
                 static_cast<long long>(in->problem.n), static_cast<long long>(in->problem.k),
                 in->problem.alpha, in->problem.beta, outcome.c_str(), c.max_ratio);
  }
  if (what.empty()) signal(index_of(t, in->kernel), c);
  if (!what.empty() || is_failure(c.verdict)) {
    ReplayContext ctx = t.ctx;
    ctx.input_path = env("NUMGUARD_FUZZ_INPUT");
    ctx.under_libfuzzer = ctx.under_libfuzzer && ctx.input_path.empty();
    ctx.artifact = !t.exact_artifact_path.empty() ? t.exact_artifact_path
                                                  : t.artifact_prefix + "crash-" + sha1_hex(bytes);
    print_reproducer(stderr, ctx, *in, c, out, what);
    std::abort();
  }
  return 0;
}
