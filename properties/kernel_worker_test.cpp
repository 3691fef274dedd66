// The worker processes plugin kernels run in (harness/engine/kernel_worker.h): what comes
// back from a call, and what each way a kernel can break its process turns into. The "kernels"
// here are functions of this test binary: the workers are forks of it, so their addresses hold.
#include "harness/engine/kernel_worker.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "harness/core/kernel.h"

namespace numguard::kernel_worker {
namespace {

int copy_plus_one(const numguard_problem* p, uint64_t* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = p->a.bits[i] + 1;
  return 0;
}
int returns_seven(const numguard_problem*, uint64_t*, int64_t) {
  return 7;
}
int segfaults(const numguard_problem*, uint64_t*, int64_t) {
  raise(SIGSEGV);
  return 0;
}
int exits(const numguard_problem*, uint64_t*, int64_t) {
  std::exit(0);
}
int hangs(const numguard_problem*, uint64_t*, int64_t) {
  for (;;) pause();
}
int own_pid(const numguard_problem*, uint64_t* out, int64_t) {
  out[0] = static_cast<uint64_t>(getpid());
  return 0;
}
int greedy(const numguard_problem*, uint64_t*, int64_t) {
  const size_t bytes = size_t{256} << 20;
  void* p = std::malloc(bytes);
  if (!p) std::abort();
  std::memset(p, 1, bytes);
  std::free(p);
  return 0;
}

numguard_problem problem_of(const std::vector<uint64_t>& a) {
  numguard_problem p{};
  p.k = static_cast<int64_t>(a.size());
  p.a = {a.data(), static_cast<int64_t>(a.size())};
  return p;
}

// The reason a call's KernelDied gives ("" when the call returned), and whether it ran.
struct Died {
  std::string why;
  bool not_run = false;
};
Died call(const std::string& kernel, numguard_run_fn fn, std::vector<uint64_t> a = {1}) {
  std::vector<uint64_t> out(a.size());
  try {
    run(kernel, fn, false, problem_of(a), out.data(), static_cast<int64_t>(out.size()));
  } catch (const KernelDied& e) {
    return {e.what(), e.not_run};
  }
  return {};
}

class KernelWorker : public ::testing::Test {
 protected:
  void SetUp() override {
    start();  // once per process; later calls do nothing
    set_limits(Limits{});
  }
};

TEST_F(KernelWorker, ReturnsTheKernelsOutputAndReturnCode) {
  const std::vector<uint64_t> a = {1, 2, 3};
  std::vector<uint64_t> out(3);
  EXPECT_EQ(run("copy", copy_plus_one, false, problem_of(a), out.data(), 3), 0);
  EXPECT_EQ(out, (std::vector<uint64_t>{2, 3, 4}));
  EXPECT_EQ(run("seven", returns_seven, false, problem_of(a), out.data(), 3), 7);
}

TEST_F(KernelWorker, LargeOperandsComeBackIntact) {
  std::vector<uint64_t> a(size_t{1} << 22);
  for (size_t i = 0; i < a.size(); ++i) a[i] = i * 0x9e3779b97f4a7c15ull;
  std::vector<uint64_t> out(a.size());
  ASSERT_EQ(run("copy", copy_plus_one, false, problem_of(a), out.data(),
                static_cast<int64_t>(out.size())),
            0);
  for (size_t i = 0; i < a.size(); i += 4097) ASSERT_EQ(out[i], a[i] + 1) << i;
}

TEST_F(KernelWorker, NeverRunsInThisProcessAndReusesALiveWorker) {
  std::vector<uint64_t> first(1), second(1);
  run("pid", own_pid, false, problem_of({0}), first.data(), 1);
  run("pid", own_pid, false, problem_of({0}), second.data(), 1);
  EXPECT_NE(first[0], static_cast<uint64_t>(getpid()));
  EXPECT_EQ(first[0], second[0]);
}

TEST_F(KernelWorker, ASignalIsTheKernelsCrashNamingIt) {
  const Died d = call("segv-once", segfaults);
  EXPECT_EQ(d.why, "killed by signal 11 (Segmentation fault)");
  EXPECT_FALSE(d.not_run);
  EXPECT_EQ(crash_count("segv-once"), 1);
  EXPECT_FALSE(given_up("segv-once"));
}

TEST_F(KernelWorker, ExitIsACrashToo) {
  EXPECT_EQ(call("exit", exits).why, "exited with status 0 (exit() or _exit())");
}

TEST_F(KernelWorker, AHangIsStoppedAtTheTimeoutAndTheKernelGivenUp) {
  set_limits({.case_timeout_s = 0.2});
  EXPECT_EQ(call("hang", hangs).why, "timed out after 0.2 s (--kernel-timeout)");
  ASSERT_TRUE(given_up("hang"));
  const Died next = call("hang", hangs);
  EXPECT_TRUE(next.not_run);
  EXPECT_NE(next.why.find("it hung"), std::string::npos) << next.why;
}

TEST_F(KernelWorker, GivesUpAfterMaxCrashes) {
  for (int i = 0; i < kMaxCrashes; ++i) ASSERT_FALSE(call("segv", segfaults).not_run) << i;
  EXPECT_EQ(crash_count("segv"), kMaxCrashes);
  EXPECT_TRUE(call("segv", segfaults).not_run);
  EXPECT_EQ(crash_count("segv"), kMaxCrashes);  // not called again
}

TEST_F(KernelWorker, TheMemoryLimitHoldsAKernelThatAllocatesPastIt) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer builds cannot limit a worker's address space";
#endif
  EXPECT_EQ(call("greedy-free", greedy).why, "");  // the default limit is far above 256 MiB
  set_limits({.memory_mib = 128});
  EXPECT_EQ(call("greedy", greedy).why, "killed by signal 6 (Aborted)");
}

}  // namespace
}  // namespace numguard::kernel_worker
