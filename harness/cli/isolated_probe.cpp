#include "harness/cli/isolated_probe.h"

#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>

namespace numguard::cli {

std::string crash_in_child(const KernelDesc& k, const CheckOptions& opt, double timeout_s) {
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = fork();
  if (pid < 0) return fmt::format("could not fork to isolate it: {}", std::strerror(errno));
  if (pid == 0) {
    // The child's verdicts are not needed: only whether it survives the same work.
    try {
      run_check({&k}, opt);
    } catch (...) {
    }
    _exit(0);
  }
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

}  // namespace numguard::cli
