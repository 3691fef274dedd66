// Where each worker thread is, for the child process that runs a plugin kernel's check first
// (harness/cli/isolated_probe.h): which case it evaluates, that case's shape, and whether it is
// inside the kernel's run function or in numguard's own code. The record lives in memory
// shared with the parent, and a fatal signal marks the thread that received it, so when the
// child dies the parent can say which case killed it and whose code was running: a crash in
// the kernel is the kernel's CRASH, one in numguard's code is numguard's internal error.
// Without a shared record (every in-process run) the calls do nothing.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>

namespace numguard::case_trace {

enum class Phase : int32_t { idle = 0, numguard = 1, kernel = 2 };

struct Slot {
  std::atomic<int64_t> case_index{-1};
  std::atomic<int64_t> m{0}, n{0}, k{0};
  std::atomic<int32_t> phase{0};
};

inline constexpr int kSlots = 256;  // worker threads traced; more run untraced

struct Record {
  std::atomic<int32_t> next_slot{0};
  std::atomic<int32_t> signalled_slot{-1};  // the slot of the thread a fatal signal hit
  std::atomic<int32_t> finished{0};         // set when the child's check returned
  Slot slots[kSlots];
};

// Maps a record shared with child processes (call before fork; nullptr if mmap fails).
Record* create_shared();
void destroy_shared(Record* r);
// In the child: trace into r and mark the signalled thread on SIGSEGV, SIGFPE, SIGBUS, SIGILL
// and SIGABRT (then die of the signal as before), or the thread that called exit() (then end
// the process at once, before static destructors run under the other workers).
void install(Record* r);

void enter(int64_t case_index, Phase phase);
void shape(int64_t m, int64_t n, int64_t k);
void phase(Phase p);
void leave();

// What the parent reads back: the case the signalled thread was on, or else (a hang) the
// first case still in flight inside a kernel, else any case in flight.
struct Where {
  int64_t case_index = -1;
  int64_t m = 0, n = 0, k = 0;
  Phase phase = Phase::idle;
  bool signalled = false;
};
std::optional<Where> where(const Record& r);

}  // namespace numguard::case_trace
