// numguard-fuzz: the one libFuzzer target. It fuzzes any registered or plugin kernel chosen
// by name: the bytes decode into a bounded case (fuzz/fuzz_input.h), the case runs through
// the check engine (evaluate_case: the verdict logic of `numguard check`), and a failing
// verdict first writes a reproducer file under $NUMGUARD_FUZZ_REGRESSIONS/<kernel>/, prints
// the `numguard repro` line, then aborts, which libFuzzer reports as a crash.
//
// This file is the only one compiled with coverage instrumentation (fuzz/CMakeLists.txt):
// libFuzzer learns from the signals of fuzz/feedback.h, reached here.
//
// Environment:
//   NUMGUARD_FUZZ_KERNEL       kernels to fuzz (comma-separated names or globs, mutants
//                              included); unset: every correct CPU kernel, or the correct
//                              kernels of the family this binary was built for (the
//                              per-family wrappers numguard-fuzz-<family>, fuzz/families.txt)
//   NUMGUARD_FUZZ_PLUGIN       plugin libraries to load first (':'-separated)
//   NUMGUARD_FUZZ_REGRESSIONS  where reproducers go (default corpus/regressions)
//   NUMGUARD_FUZZ_LIST         print the candidate kernels, one per line, and exit
//   NUMGUARD_FUZZ_VERBOSE      one line per input
//   NUMGUARD_FUZZ_DUMP         write the reproducer of each input without running the kernel
//                              (turns a crash or timeout artifact into a reproducer file)
//   NUMGUARD_FUZZ_MUTATOR=0    libFuzzer's own mutations only, without the float-aware
//                              mutator (fuzz/float_mutator.h): to measure what it adds
//   NUMGUARD_FUZZ_INPUT        set by the replay driver: the file being replayed (no
//                              reproducer is written then)
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "fuzz/feedback.h"
#include "fuzz/float_mutator.h"
#include "fuzz/fuzz_input.h"
#include "fuzz/regression_file.h"
#include "harness/engine/check_runner.h"
#include "harness/engine/registry.h"
#include "harness/engine/reproducer_file.h"

#ifndef NUMGUARD_FUZZ_DEFAULT_FAMILY
#define NUMGUARD_FUZZ_DEFAULT_FAMILY ""
#endif

namespace numguard::fuzz {
namespace {

// Exit statuses of the initializer; the replay driver passes them on (ctest skips on 3).
constexpr int kBadConfig = 2;
constexpr int kCannotRunHere = 3;

struct Target {
  std::vector<const KernelDesc*> kernels;
  std::vector<std::string> plugins;
  std::string pin, family, regressions, replaying, dump;
  bool verbose = false, ready = false;
};

std::string env(const char* var) {
  const char* v = std::getenv(var);
  return v ? v : "";
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t end = std::min(s.find(sep, start), s.size());
    if (end > start) parts.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

Target& target() {
  static Target t;
  return t;
}

void init() {
  Target& t = target();
  t.ready = true;
  t.plugins = split(env("NUMGUARD_FUZZ_PLUGIN"), ':');
  try {
    install_registry(Registry::build({.plugins = t.plugins}));
  } catch (const RegistryError& e) {
    std::fprintf(stderr, "numguard-fuzz: %s\n", e.what());
    std::exit(kBadConfig);
  }
  t.pin = env("NUMGUARD_FUZZ_KERNEL");
  t.family = NUMGUARD_FUZZ_DEFAULT_FAMILY;
  t.regressions = env("NUMGUARD_FUZZ_REGRESSIONS");
  if (t.regressions.empty()) t.regressions = "corpus/regressions";
  t.replaying = env("NUMGUARD_FUZZ_INPUT");
  t.dump = env("NUMGUARD_FUZZ_DUMP");
  t.verbose = !env("NUMGUARD_FUZZ_VERBOSE").empty();
  const Candidates c = fuzz_candidates(t.pin, t.family);
  t.kernels = c.kernels;
  const std::string what = !t.pin.empty()      ? "'" + t.pin + "'"
                           : !t.family.empty() ? "family " + t.family
                                               : "the CPU kernels";
  if (c.skipped > 0)
    std::fprintf(stderr, "numguard-fuzz: %d kernel(s) of %s skipped: %s\n", c.skipped, what.c_str(),
                 c.skipped_why.c_str());
  if (t.kernels.empty()) {
    std::fprintf(stderr, "numguard-fuzz: %s names no kernel%s (numguard list shows them)\n",
                 what.c_str(), c.skipped > 0 ? " that can run here" : "");
    std::exit(c.skipped > 0 ? kCannotRunHere : kBadConfig);
  }
  if (!env("NUMGUARD_FUZZ_LIST").empty()) {
    for (const KernelDesc* k : t.kernels) std::printf("%s\n", k->name.c_str());
    std::exit(0);
  }
}

// Turns the outcome into coverage signals (feedback.h): a kernel, a verdict, and the binade
// of the worst error/bound ratio, so inputs that come closer to the bound are kept.
void signal(size_t kernel_index, const CaseOutcome& c) {
  reach(kKernelSignals + static_cast<int>(kernel_index % (detail::kSignals - kKernelSignals)));
  reach(kVerdictSignals + static_cast<int>(c.verdict));
  if (c.domain_limit) return;
  int bucket = 0;
  if (c.max_ratio > 0 && std::isfinite(c.max_ratio))
    bucket = 1 + std::clamp(static_cast<int>(std::floor(std::log2(c.max_ratio))) + 60, 0, 110);
  reach(kRatioSignals + bucket);
}

void report(const FuzzCase& in, const CaseOutcome& c, const std::string& what,
            std::span<const uint8_t> bytes) {
  const Target& t = target();
  const Problem& p = in.problem;
  const std::string verdict = what.empty() ? std::string(name(c.verdict)) : "kernel_error";
  std::fprintf(stderr, "numguard-fuzz: %s in %s (m=%lld n=%lld k=%lld; %s)\n", verdict.c_str(),
               in.kernel->name.c_str(), static_cast<long long>(p.m), static_cast<long long>(p.n),
               static_cast<long long>(p.k), in.how.c_str());
  std::string found = verdict;
  if (what.empty()) {
    const ElementCheck& e = c.worst;
    std::fprintf(stderr,
                 "  worst element %zu: reference %.17g, output %.17g, error %.6g, bound %.6g "
                 "(ratio %.4g)\n",
                 c.worst_element, e.reference, e.output, e.error, e.bound, e.ratio());
    found += " at element " + std::to_string(c.worst_element);
  } else {
    std::fprintf(stderr, "  the kernel threw: %s\n", what.c_str());
  }
  if (!t.replaying.empty()) {  // a replayed input already has its file
    std::fprintf(stderr, "  input %s\n", t.replaying.c_str());
    return;
  }
  const Written w = write_regression(t.regressions, in, found, bytes);
  if (!w.error.empty()) {
    std::fprintf(stderr, "numguard-fuzz: reproducer not written: %s\n", w.error.c_str());
    return;
  }
  std::fprintf(stderr, "  reproducer %s\n  %s\n", w.path.c_str(),
               repro_command(w.path, t.plugins).c_str());
  std::fflush(stderr);
}

}  // namespace
}  // namespace numguard::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  numguard::fuzz::init();
  return 0;
}

// libFuzzer's own mutations, which the float-aware mutator falls back on. Weak: the replay
// executable links this file without libFuzzer and never mutates.
extern "C" __attribute__((weak)) size_t LLVMFuzzerMutate(uint8_t* data, size_t size,
                                                         size_t max_size);

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned seed) {
  using namespace numguard::fuzz;
  Target& t = target();
  if (!t.ready) init();
  static const bool mutator_enabled = env("NUMGUARD_FUZZ_MUTATOR") != "0";
  if (!LLVMFuzzerMutate) return size;
  return mutator_enabled ? float_mutate(data, size, max_size, seed, t.kernels, &LLVMFuzzerMutate)
                         : LLVMFuzzerMutate(data, size, max_size);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace numguard;
  using namespace numguard::fuzz;
  Target& t = target();
  if (!t.ready) init();  // a driver that skipped LLVMFuzzerInitialize
  const std::span<const uint8_t> bytes(data, size);
  const std::optional<FuzzCase> in = decode_fuzz_input(bytes, t.kernels);
  if (!in) return 0;
  if (!t.dump.empty()) {
    const Written w = write_regression(t.regressions, *in, t.dump, bytes);
    std::printf("%s\n", w.error.empty() ? w.path.c_str() : ("error: " + w.error).c_str());
    return 0;
  }
  CaseOutcome c;
  std::string what;
  try {
    c = evaluate_case(*in->kernel, in->problem);
  } catch (const KernelUnsupported&) {
    return 0;  // the kernel refused the input by design: nothing to judge, not a finding
  } catch (const std::exception& e) {
    what = e.what();  // a kernel or reference that throws on a well-formed case is a bug
  }
  if (t.verbose)
    std::fprintf(stderr, "numguard-fuzz: %s m=%lld n=%lld k=%lld (%s) -> %s ratio %.3g\n",
                 in->kernel->name.c_str(), static_cast<long long>(in->problem.m),
                 static_cast<long long>(in->problem.n), static_cast<long long>(in->problem.k),
                 in->how.c_str(), what.empty() ? std::string(name(c.verdict)).c_str() : "exception",
                 c.max_ratio);
  const auto index = static_cast<size_t>(std::find(t.kernels.begin(), t.kernels.end(), in->kernel) -
                                         t.kernels.begin());
  if (what.empty()) signal(index, c);
  if (!what.empty() || is_failure(c.verdict)) {
    report(*in, c, what, bytes);
    std::abort();
  }
  return 0;
}
