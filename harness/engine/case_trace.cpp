#include "harness/engine/case_trace.h"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <new>

namespace numguard::case_trace {
namespace {

Record* g_record = nullptr;
thread_local Slot* t_slot = nullptr;
thread_local int32_t t_slot_index = -1;

Slot* slot() {
  if (!g_record) return nullptr;
  if (!t_slot) {
    const int32_t i = g_record->next_slot.fetch_add(1);
    if (i >= kSlots) return nullptr;
    t_slot_index = i;
    t_slot = &g_record->slots[i];
  }
  return t_slot;
}

// Async-signal-safe: one atomic store, then the default action.
void on_fatal_signal(int sig) {
  if (g_record && t_slot_index >= 0) g_record->signalled_slot.store(t_slot_index);
  signal(sig, SIG_DFL);
  raise(sig);
}

// exit() called in the child (by a kernel: numguard's child ends with _exit): mark the calling
// thread, then leave at once, before static destructors pull the run out from under the other
// worker threads.
void on_exit_call() {
  if (g_record && t_slot_index >= 0) g_record->signalled_slot.store(t_slot_index);
  _exit(0);
}

}  // namespace

Record* create_shared() {
  void* p =
      mmap(nullptr, sizeof(Record), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return nullptr;
  return new (p) Record();
}

void destroy_shared(Record* r) {
  if (!r) return;
  r->~Record();
  munmap(r, sizeof(Record));
}

void install(Record* r) {
  g_record = r;
  for (int sig : {SIGSEGV, SIGFPE, SIGBUS, SIGILL, SIGABRT}) signal(sig, on_fatal_signal);
  std::atexit(on_exit_call);  // registered last, so it runs first
}

void enter(int64_t case_index, Phase p) {
  if (Slot* s = slot()) {
    s->m.store(0);
    s->n.store(0);
    s->k.store(0);
    s->case_index.store(case_index);
    s->phase.store(static_cast<int32_t>(p));
  }
}

void shape(int64_t m, int64_t n, int64_t k) {
  if (Slot* s = slot()) {
    s->m.store(m);
    s->n.store(n);
    s->k.store(k);
  }
}

void phase(Phase p) {
  if (Slot* s = slot()) s->phase.store(static_cast<int32_t>(p));
}

void leave() {
  if (Slot* s = slot()) s->phase.store(static_cast<int32_t>(Phase::idle));
}

std::optional<Where> where(const Record& r) {
  auto read = [&](int32_t i, bool signalled) {
    const Slot& s = r.slots[i];
    return Where{s.case_index.load(),
                 s.m.load(),
                 s.n.load(),
                 s.k.load(),
                 static_cast<Phase>(s.phase.load()),
                 signalled};
  };
  const int32_t hit = r.signalled_slot.load();
  if (hit >= 0 && hit < kSlots) return read(hit, true);
  const int32_t used = std::min<int32_t>(r.next_slot.load(), kSlots);
  std::optional<Where> any;
  for (int32_t i = 0; i < used; ++i) {
    const Where w = read(i, false);
    if (w.phase == Phase::kernel) return w;
    if (w.phase == Phase::numguard && !any) any = w;
  }
  return any;
}

}  // namespace numguard::case_trace
