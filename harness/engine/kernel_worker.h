// Plugin kernels never run in numguard's own process. When the plugins are loaded, numguard
// forks a small server (while it still has one thread and no CUDA context); each plugin call
// is sent to a worker process that server forks on demand, over a socket: the problem's
// operands go in, the kernel's return code and output come back. A worker that dies of a
// signal, calls exit(), exceeds its memory limit or takes longer than the per-case timeout is
// that case's crash of the kernel (KernelDied), wherever the call came from (check, --case,
// report, repro); the next call gets a fresh worker. A kernel that has crashed kMaxCrashes
// times, or hung once, is given up on: further calls throw KernelDied with not_run set, at
// once, so one broken kernel cannot stall a run.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "include/numguard/plugin.h"

namespace numguard::kernel_worker {

struct Limits {
  double case_timeout_s = 300;  // one call of the kernel's run function
  // The address space (RLIMIT_AS) of a worker that runs CPU kernels; 0: none. Workers of
  // "cuda" kernels are not limited (the CUDA driver reserves far more address space than it
  // uses), and neither are they under AddressSanitizer (its shadow memory is terabytes).
  uint64_t memory_mib = 16384;
};
inline constexpr int kMaxCrashes = 8;

// Limits for the calls made after it (the verbs set them from their options).
void set_limits(const Limits& l);
Limits limits();

// Starts the server, replacing one started before (which would lack plugins loaded since).
// Call after every plugin is loaded (the workers inherit them) and while no other thread runs.
// Throws std::runtime_error when it cannot fork.
void start();
bool started();

// Runs fn on p into out (out_count elements) in a worker process and returns fn's result.
// Throws KernelDied (harness/core/kernel.h) when the worker dies, exits or times out, or when
// the kernel has been given up on; std::runtime_error when the server itself is lost.
int run(const std::string& kernel, numguard_run_fn fn, bool gpu, const numguard_problem& p,
        uint64_t* out, int64_t out_count);

// Why numguard stopped calling this kernel (kMaxCrashes crashes, or a hang); nullopt while it
// has not.
std::optional<std::string> given_up(const std::string& kernel);
// How many calls of this kernel crashed, exited or hung so far.
int crash_count(const std::string& kernel);

}  // namespace numguard::kernel_worker
