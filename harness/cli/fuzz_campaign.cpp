#include "harness/cli/fuzz_campaign.h"

#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

namespace numguard::cli {
namespace {

volatile sig_atomic_t child_group = 0;

// Ctrl-C reaches numguard only (the child has its own group): pass it on, so libFuzzer stops
// cleanly, prints its final stats, and numguard still prints its summary.
void forward(int sig) {
  if (child_group > 0) kill(-child_group, sig);
}

}  // namespace

CampaignResult run_campaign(const Campaign& c) {
  CampaignResult r;
  int fds[2];
  if (pipe(fds) != 0) {
    r.error = fmt::format("pipe: {}", std::strerror(errno));
    return r;
  }
  std::vector<std::string> argv_s = {c.fuzzer};
  argv_s.insert(argv_s.end(), c.args.begin(), c.args.end());
  std::vector<char*> argv;
  for (std::string& s : argv_s) argv.push_back(s.data());
  argv.push_back(nullptr);
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) {
    r.error = fmt::format("fork: {}", std::strerror(errno));
    return r;
  }
  if (pid == 0) {
    setpgid(0, 0);
    close(fds[0]);
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    for (const std::string& e : c.env) putenv(const_cast<char*>(e.c_str()));
    execv(c.fuzzer.c_str(), argv.data());
    std::fprintf(stderr, "numguard fuzz: cannot run %s: %s\n", c.fuzzer.c_str(),
                 std::strerror(errno));
    _exit(127);
  }
  setpgid(pid, pid);  // both sides set it: whichever runs first
  child_group = pid;
  struct sigaction sa = {}, old_int = {}, old_term = {};
  sa.sa_handler = forward;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);
  close(fds[1]);

  const auto start = std::chrono::steady_clock::now();
  std::string pending;
  bool open = true;
  int status = 0;
  for (;;) {
    if (open) {
      pollfd p = {fds[0], POLLIN, 0};
      const int ready = poll(&p, 1, 200);
      if (ready > 0) {
        char buf[8192];
        const ssize_t n = read(fds[0], buf, sizeof buf);
        if (n > 0) {
          pending.append(buf, static_cast<size_t>(n));
          size_t nl;
          while ((nl = pending.find('\n')) != std::string::npos) {
            if (c.on_line) c.on_line(pending.substr(0, nl));
            pending.erase(0, nl + 1);
          }
        } else if (n == 0 || errno != EINTR) {
          open = false;
        }
      }
    } else {
      usleep(50'000);
    }
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!r.killed && elapsed > c.deadline_s) {
      kill(-pid, SIGKILL);
      r.killed = true;
    }
  }
  // The rest of the output (the group's other members may still hold the pipe: not waited for).
  if (open) {
    pollfd p = {fds[0], POLLIN, 0};
    while (poll(&p, 1, 100) > 0) {
      char buf[8192];
      const ssize_t n = read(fds[0], buf, sizeof buf);
      if (n <= 0) break;
      pending.append(buf, static_cast<size_t>(n));
    }
    size_t nl;
    while ((nl = pending.find('\n')) != std::string::npos) {
      if (c.on_line) c.on_line(pending.substr(0, nl));
      pending.erase(0, nl + 1);
    }
    if (!pending.empty() && c.on_line) c.on_line(pending);
  }
  close(fds[0]);
  kill(-pid, SIGKILL);  // fork mode's workers, if any outlived the parent
  child_group = 0;
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  return r;
}

}  // namespace numguard::cli
