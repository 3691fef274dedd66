#include "harness/engine/case_trace.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <cstdio>

namespace numguard::case_trace {
namespace {

// One per thread, read only by that thread's own signal handler (synchronous signals are
// delivered to the thread that caused them).
struct Slot {
  const KernelDesc* kernel = nullptr;
  uint64_t seed = 0;
  int64_t case_index = -1;
  const char* generator = "";
  int64_t m = 0, n = 0, k = 0;
  std::atomic<int32_t> phase{0};
};
thread_local Slot t_slot;

constexpr int kExitInternal = 3;  // harness/cli/verb.h

// Async-signal-safe apart from snprintf with %s/%lld/%llu (no allocation in glibc); the
// process is ending anyway.
void on_fatal_signal(int sig) {
  const Slot& s = t_slot;
  char buf[4096];
  int n;
  const char* what = sigdescr_np(sig);
  if (s.kernel && s.case_index >= 0) {
    const KernelDesc& k = *s.kernel;
    const bool in_kernel = static_cast<Phase>(s.phase.load()) == Phase::kernel;
    n = snprintf(
        buf, sizeof buf,
        "\nnumguard internal error checking %s: case %lld (generator %s, m=%lld n=%lld "
        "k=%lld): killed by signal %d (%s) in %s\nThis is numguard's failure, not the "
        "kernel's: please report it with the line below.\nnumguard check --kernel %s%s%s%s "
        "--seed %llu --case %lld\n",
        k.name.c_str(), static_cast<long long>(s.case_index), s.generator,
        static_cast<long long>(s.m), static_cast<long long>(s.n), static_cast<long long>(s.k), sig,
        what ? what : "?", in_kernel ? "the built-in kernel's run function" : "numguard's own code",
        k.name.c_str(), k.mutant ? " --include-mutants" : "", k.plugin.empty() ? "" : " --plugin ",
        k.plugin.c_str(), static_cast<unsigned long long>(s.seed),
        static_cast<long long>(s.case_index));
  } else {
    n = snprintf(buf, sizeof buf,
                 "\nnumguard internal error: killed by signal %d (%s); please report it with the "
                 "command that led to it\n",
                 sig, what ? what : "?");
  }
  if (n > 0) {
    const ssize_t unused =
        write(STDERR_FILENO, buf,
              static_cast<size_t>(n) < sizeof buf ? static_cast<size_t>(n) : sizeof buf - 1);
    (void)unused;
  }
  _exit(kExitInternal);
}

}  // namespace

void report_own_crashes() {
  // Also in sanitizer builds (replacing their handler for these signals): the promise of one
  // message and exit 3 is tested there too.
  struct sigaction sa {};
  sa.sa_handler = on_fatal_signal;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGSEGV, SIGFPE, SIGBUS, SIGILL}) sigaction(sig, &sa, nullptr);
}

void enter(const KernelDesc& k, uint64_t seed, int64_t case_index) {
  Slot& s = t_slot;
  s.kernel = &k;
  s.seed = seed;
  s.case_index = case_index;
  s.generator = "";
  s.m = s.n = s.k = 0;
  s.phase.store(static_cast<int32_t>(Phase::numguard));
}

void describe(const char* generator, int64_t m, int64_t n, int64_t k) {
  Slot& s = t_slot;
  s.generator = generator;
  s.m = m;
  s.n = n;
  s.k = k;
}

void phase(Phase p) {
  t_slot.phase.store(static_cast<int32_t>(p));
}

void leave() {
  t_slot.kernel = nullptr;
  t_slot.case_index = -1;
  t_slot.phase.store(static_cast<int32_t>(Phase::idle));
}

}  // namespace numguard::case_trace
