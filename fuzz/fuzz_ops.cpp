// libFuzzer target over a family of ops of the op table, built once per family with
// NUMGUARD_FUZZ_OPS naming its ops (fuzz/CMakeLists.txt: fuzz_softmax, fuzz_norm,
// fuzz_activation, fuzz_attention, fuzz_optimizer). The bytes choose a kernel, a generator
// and its seed (shape, integer operands, scalars) and the values (fuzz/op_input.h); the case
// runs through the check engine, and a failing verdict prints a reproducer and aborts.
//
// Environment (as fuzz_gemm): NUMGUARD_FUZZ_KERNEL pins kernels (names or globs, mutants
// included); NUMGUARD_FUZZ_LIST lists the candidates; NUMGUARD_FUZZ_VERBOSE prints a line
// per input; NUMGUARD_FUZZ_INPUT is the replayed file (set by the replay driver).
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "fuzz/feedback.h"
#include "fuzz/op_input.h"
#include "fuzz/sha1.h"
#include "harness/engine/check_runner.h"

#ifndef NUMGUARD_FUZZ_OPS
#error "NUMGUARD_FUZZ_OPS must name the family's ops"
#endif
#ifndef NUMGUARD_FUZZ_NAME
#define NUMGUARD_FUZZ_NAME "fuzz_ops"
#endif

namespace numguard::fuzz {
namespace {

constexpr int kBadConfig = 2;
constexpr int kCannotRunHere = 3;

struct Target {
  std::vector<const KernelDesc*> kernels;
  std::string pin, artifact_prefix = "./", exact_artifact_path;
  bool verbose = false, under_libfuzzer = false;
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
  t.pin = env("NUMGUARD_FUZZ_KERNEL");
#ifdef NUMGUARD_LIBFUZZER
  t.under_libfuzzer = true;
#endif
  t.verbose = !env("NUMGUARD_FUZZ_VERBOSE").empty();
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.starts_with("-artifact_prefix=")) t.artifact_prefix = a.substr(17);
    if (a.starts_with("-exact_artifact_path=")) t.exact_artifact_path = a.substr(21);
  }
  const Candidates c = op_candidates(NUMGUARD_FUZZ_OPS, t.pin);
  t.kernels = c.kernels;
  if (c.skipped > 0)
    std::fprintf(stderr, "%s: %d kernel(s) matching NUMGUARD_FUZZ_KERNEL='%s' skipped: %s\n",
                 NUMGUARD_FUZZ_NAME, c.skipped, t.pin.c_str(), c.skipped_why.c_str());
  if (t.kernels.empty()) {
    std::fprintf(stderr, "%s: NUMGUARD_FUZZ_KERNEL='%s' names no kernel of the ops %s%s\n",
                 NUMGUARD_FUZZ_NAME, t.pin.c_str(), NUMGUARD_FUZZ_OPS,
                 c.skipped > 0 ? " that can run here" : "");
    std::exit(c.skipped > 0 ? kCannotRunHere : kBadConfig);
  }
  if (!env("NUMGUARD_FUZZ_LIST").empty()) {
    for (const KernelDesc* k : t.kernels) std::printf("%s\n", k->name.c_str());
    std::exit(0);
  }
}

void signal(size_t kernel_index, const CaseOutcome& c) {
  reach(kKernelSignals + static_cast<int>(kernel_index % (detail::kSignals - kKernelSignals)));
  reach(kVerdictSignals + static_cast<int>(c.verdict));
  if (c.domain_limit) return;
  int bucket = 0;
  if (c.max_ratio > 0 && std::isfinite(c.max_ratio))
    bucket = 1 + std::clamp(static_cast<int>(std::floor(std::log2(c.max_ratio))) + 60, 0, 110);
  reach(kRatioSignals + bucket);
}

void print_reproducer(const OpInput& in, const CaseOutcome& c, const std::string& what,
                      const std::string& artifact) {
  const Target& t = target();
  const std::string input = env("NUMGUARD_FUZZ_INPUT");
  const std::string path = !input.empty() ? input : artifact;
  std::fprintf(stderr, "%s: %s on %s\n", NUMGUARD_FUZZ_NAME,
               what.empty() ? std::string(name(c.verdict)).c_str() : "exception",
               in.kernel->name.c_str());
  std::fprintf(stderr, "replay: NUMGUARD_FUZZ_KERNEL=%s %s_replay %s\n", in.kernel->name.c_str(),
               NUMGUARD_FUZZ_NAME, path.c_str());
  if (!t.pin.empty() && t.pin != in.kernel->name)
    std::fprintf(stderr, "        (pinned run: NUMGUARD_FUZZ_KERNEL='%s')\n", t.pin.c_str());
  std::fprintf(stderr, "case: generator %s seed %u modes 0x%02x, m=%lld n=%lld k=%lld\n",
               in.generator.c_str(), in.seed, in.modes, static_cast<long long>(in.problem.m),
               static_cast<long long>(in.problem.n), static_cast<long long>(in.problem.k));
  if (!what.empty()) {
    std::fprintf(stderr, "error: %s\n", what.c_str());
    return;
  }
  const ElementCheck& e = c.worst;
  std::fprintf(stderr,
               "worst element %zu: reference %.17g, output %.17g, error %.6g, bound %.6g "
               "(ratio %.4g)%s%s\n",
               c.worst_element, e.reference, e.output, e.error, e.bound, e.ratio(),
               c.domain_limit ? ", domain: " : "", c.domain_limit ? c.domain_reason.c_str() : "");
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
  if (t.kernels.empty()) init(0, nullptr);
  const std::span<const uint8_t> bytes(data, size);
  const std::optional<OpInput> in = decode_op_input(bytes, t.kernels);
  if (!in) return 0;
  CaseOutcome c;
  std::string what;
  try {
    c = evaluate_case(*in->kernel, in->problem);
  } catch (const std::exception& e) {
    what = e.what();
  }
  if (t.verbose)
    std::fprintf(stderr, "%s: %s %s m=%lld n=%lld k=%lld -> %s ratio %.3g\n", NUMGUARD_FUZZ_NAME,
                 in->kernel->name.c_str(), in->generator.c_str(),
                 static_cast<long long>(in->problem.m), static_cast<long long>(in->problem.n),
                 static_cast<long long>(in->problem.k),
                 what.empty() ? std::string(name(c.verdict)).c_str() : "exception", c.max_ratio);
  const size_t index = static_cast<size_t>(
      std::find(t.kernels.begin(), t.kernels.end(), in->kernel) - t.kernels.begin());
  if (what.empty()) signal(index, c);
  if (!what.empty() || is_failure(c.verdict)) {
    const std::string artifact = !t.exact_artifact_path.empty()
                                     ? t.exact_artifact_path
                                     : t.artifact_prefix + "crash-" + sha1_hex(bytes);
    print_reproducer(*in, c, what, artifact);
    std::abort();
  }
  return 0;
}
