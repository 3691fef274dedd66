// Where each checking thread is: which kernel and case it evaluates, that case's generator and
// shape, and whether it is inside the kernel's run function or in numguard's own code. Plugin
// kernels run in worker processes (kernel_worker.h), so a fatal signal in this process is
// numguard's own failure (its code, or a built-in kernel's): with report_own_crashes()
// installed, the thread it hits prints one message naming the kernel, the case and the line
// that reproduces it, and the process exits with status 3 (internal error) instead of dying
// silently of the signal.
#pragma once

#include <atomic>
#include <cstdint>

#include "harness/core/kernel.h"

namespace numguard::case_trace {

enum class Phase : int32_t { idle = 0, numguard = 1, kernel = 2 };

// Installs the handler for SIGSEGV, SIGFPE, SIGBUS and SIGILL. Call once, from main, before any
// thread starts.
void report_own_crashes();

void enter(const KernelDesc& k, uint64_t seed, int64_t case_index);
// The case's generator (a string that outlives the case) and shape.
void describe(const char* generator, int64_t m, int64_t n, int64_t k);
void phase(Phase p);
void leave();

}  // namespace numguard::case_trace
