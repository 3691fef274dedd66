#include "harness/cli/isolated_probe.h"

#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>

#include "harness/engine/case_trace.h"
#include "harness/engine/generators.h"

namespace numguard::cli {
namespace {

std::string wait_for(pid_t pid, double timeout_s) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  for (;;) {
    int status = 0;
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      if (WIFSIGNALED(status))
        return fmt::format("killed by signal {} ({})", WTERMSIG(status),
                           strsignal(WTERMSIG(status)));
      if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
        return fmt::format("its process exited with status {}", WEXITSTATUS(status));
      return "";
    }
    if (done < 0) return fmt::format("lost its child process: {}", std::strerror(errno));
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return fmt::format("timed out after {:g} s", timeout_s);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

std::string ChildOutcome::line() const {
  std::string s;
  if (case_index) {
    s = fmt::format("case {} (generator {}{}{}): ", *case_index, generator,
                    shape.empty() ? "" : ", ", shape);
  }
  s += why;
  if (case_index) s += in_kernel ? " in the kernel's run function" : " in numguard's own code";
  return s;
}

ChildOutcome crash_in_child(const KernelDesc& k, const CheckOptions& opt, double timeout_s) {
  std::fflush(stdout);
  std::fflush(stderr);
  case_trace::Record* record = case_trace::create_shared();
  ChildOutcome o;
  const pid_t pid = fork();
  if (pid < 0) {
    case_trace::destroy_shared(record);
    o.why = fmt::format("could not fork to isolate it: {}", std::strerror(errno));
    return o;
  }
  if (pid == 0) {
    case_trace::install(record);
    // The child's verdicts are not needed: only whether it survives the same work.
    try {
      run_check({&k}, opt);
    } catch (...) {
    }
    if (record) record->finished.store(1);
    _exit(0);
  }
  o.why = wait_for(pid, timeout_s);
  // A kernel that calls exit() ends the child "successfully" before its check is done.
  if (!o.died() && record && !record->finished.load())
    o.why = "ended its process (exit()) before the check finished";
  if (o.died() && record) {
    if (const std::optional<case_trace::Where> w = case_trace::where(*record);
        w && w->case_index >= 0) {
      o.case_index = w->case_index;
      o.in_kernel = w->phase != case_trace::Phase::numguard;
      const auto gens = case_generators();
      o.generator = gens[static_cast<size_t>(w->case_index) % gens.size()].name;
      if (w->m || w->n || w->k) o.shape = fmt::format("m={} n={} k={}", w->m, w->n, w->k);
    }
  }
  case_trace::destroy_shared(record);
  return o;
}

std::vector<int64_t> ProbedKernel::skipped() const {
  std::vector<int64_t> s;
  for (const ChildOutcome& o : crashes) s.push_back(*o.case_index);
  std::sort(s.begin(), s.end());
  return s;
}

ProbedKernel probe_kernel(const KernelDesc& k, const CheckOptions& opt, double timeout_s) {
  ProbedKernel pk;
  CheckOptions o = opt;
  for (;;) {
    ChildOutcome out = crash_in_child(k, o, timeout_s);
    if (!out.died()) return pk;
    const bool case_signal = out.in_kernel && out.case_index && out.why.starts_with("killed");
    if (!case_signal || pk.crashes.size() >= kMaxCaseCrashes || opt.only_case) {
      pk.unchecked = std::move(out);
      return pk;
    }
    pk.crashes.push_back(std::move(out));
    o.skip_cases = pk.skipped();
  }
}

KernelSummary died_summary(const KernelDesc& k, const ChildOutcome& o) {
  KernelSummary s;
  s.kernel = &k;
  if (o.in_kernel) {
    s.crashed = o.line();
    s.crash_case = o.case_index;
  } else {
    s.internal_errors = 1;
    s.first_internal =
        InternalError{o.case_index.value_or(-1), o.generator, o.shape,
                      o.why + " (numguard's own code died on it in the isolated child process)"};
  }
  return s;
}

}  // namespace numguard::cli
