// Out-of-tree kernels can crash or hang; one must not take the whole check down. Before a
// plugin kernel is checked in this process, the same check (same seed, same cases: they are
// deterministic) runs in a child process that records, in memory shared with this one, which
// case each worker is on and whether it is inside the kernel's run function
// (harness/engine/case_trace.h). A child killed by a signal or past the timeout is then
// blamed where it belongs: on the kernel (CRASH, with the case) when the kernel's code was
// running, on numguard (an internal error) when numguard's own code was.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/engine/check_runner.h"

namespace numguard::cli {

struct ChildOutcome {
  std::string why;        // "" when the child finished; else "killed by signal 11 (Segmentation
                          // fault)", "timed out after 300 s", ...
  bool in_kernel = true;  // whose code was running: the kernel's (or unknown) or numguard's
  std::optional<int64_t> case_index;  // the case that was running, when known
  std::string generator, shape;       // that case's generator and "m=.. n=.. k=.."
  bool died() const { return !why.empty(); }
  // "case 12 (generator tile_edges, m=2 n=3 k=0): killed by signal 8 (...) in the kernel's run"
  std::string line() const;
};

ChildOutcome crash_in_child(const KernelDesc& k, const CheckOptions& opt, double timeout_s);

// A plugin kernel's child-process runs: each time the kernel dies of a signal in its own run
// function on a known case, that case is recorded and skipped and the child runs again, up to
// kMaxCaseCrashes, so that one input it cannot take (K = 0 for a vendor GEMM) does not leave
// the rest unchecked. A hang, a death in numguard's code or one more crash ends it: the kernel
// is then `unchecked`.
inline constexpr size_t kMaxCaseCrashes = 8;
struct ProbedKernel {
  std::vector<ChildOutcome> crashes;  // each with its case_index
  std::optional<ChildOutcome> unchecked;
  std::vector<int64_t> skipped() const;  // the crashed cases, sorted
};
ProbedKernel probe_kernel(const KernelDesc& k, const CheckOptions& opt, double timeout_s);

// The summary of a kernel whose child died: a CRASH of the kernel, or numguard's internal
// error on the case (with the kernel left unchecked).
KernelSummary died_summary(const KernelDesc& k, const ChildOutcome& o);

}  // namespace numguard::cli
