#include "harness/engine/kernel_worker.h"

#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "harness/core/kernel.h"

#if defined(__SANITIZE_ADDRESS__)
#define NUMGUARD_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NUMGUARD_ASAN 1
#endif
#endif

namespace numguard::kernel_worker {
namespace {

using Clock = std::chrono::steady_clock;

// ---- wire format (same binary on both ends: plain structs) ----

enum class Op : uint32_t { spawn = 1, status = 2 };
struct ServerRequest {
  Op op;
  uint32_t pad = 0;
  uint64_t memory_bytes = 0;  // spawn: the worker's RLIMIT_AS (0: none)
  int64_t pid = 0;            // status: the worker
};
struct ServerReply {
  int64_t pid = 0;     // spawn: the worker (or -errno)
  int32_t status = 0;  // status: waitpid's status
  int32_t reaped = 0;  // status: whether it ended (else it was killed and reaped)
};

struct CallHeader {
  uint64_t fn;
  int64_t m, n, k;
  double alpha, beta;
  int64_t counts[4];
  int64_t lengths, scalars, out;
};
struct CallReply {
  int32_t rc;
  int32_t pad;
};

bool write_all(int fd, const void* data, size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = send(fd, p, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// Reads exactly size bytes; false on end of file or error, or (deadline given) on timeout, with
// *timed_out set.
bool read_all(int fd, void* data, size_t size, const Clock::time_point* deadline = nullptr,
              bool* timed_out = nullptr) {
  char* p = static_cast<char*>(data);
  while (size > 0) {
    if (deadline) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now()).count();
      if (left <= 0) {
        *timed_out = true;
        return false;
      }
      pollfd pfd{fd, POLLIN, 0};
      const int r = poll(&pfd, 1, static_cast<int>(std::min<int64_t>(left, 1000)));
      if (r < 0 && errno != EINTR) return false;
      if (r <= 0) continue;
    }
    const ssize_t n = read(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

template <typename T>
bool write_vec(int fd, const T* data, int64_t count) {
  return count == 0 || write_all(fd, data, static_cast<size_t>(count) * sizeof(T));
}

// ---- the worker ----

[[noreturn]] void worker_main(int fd, uint64_t memory_bytes) {
  // A crash in the kernel must be a real signal (a sanitizer's handler would turn it into exit
  // 1), and the kernel's own output must not mix into numguard's stdout (tables, JSON).
  for (int sig : {SIGSEGV, SIGFPE, SIGBUS, SIGILL, SIGABRT, SIGPIPE}) signal(sig, SIG_DFL);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  dup2(STDERR_FILENO, STDOUT_FILENO);
#ifndef NUMGUARD_ASAN
  if (memory_bytes > 0) {
    const rlimit lim{memory_bytes, memory_bytes};
    setrlimit(RLIMIT_AS, &lim);
  }
#else
  (void)memory_bytes;
#endif
  std::vector<uint64_t> operand[4], out;
  std::vector<int64_t> lengths;
  std::vector<double> scalars;
  for (;;) {
    CallHeader h{};
    if (!read_all(fd, &h, sizeof h)) _exit(0);  // numguard is done with this worker
    for (int i = 0; i < 4; ++i) {
      operand[i].resize(static_cast<size_t>(h.counts[i]));
      if (!read_all(fd, operand[i].data(), operand[i].size() * sizeof(uint64_t))) _exit(0);
    }
    lengths.resize(static_cast<size_t>(h.lengths));
    scalars.resize(static_cast<size_t>(h.scalars));
    out.assign(static_cast<size_t>(h.out), 0);
    if (!read_all(fd, lengths.data(), lengths.size() * sizeof(int64_t)) ||
        !read_all(fd, scalars.data(), scalars.size() * sizeof(double)))
      _exit(0);
    numguard_problem p{h.m,
                       h.n,
                       h.k,
                       {operand[0].data(), h.counts[0]},
                       {operand[1].data(), h.counts[1]},
                       {operand[2].data(), h.counts[2]},
                       {operand[3].data(), h.counts[3]},
                       h.alpha,
                       h.beta,
                       lengths.data(),
                       h.lengths,
                       scalars.data(),
                       h.scalars};
    // The worker is a fork of numguard after the plugins were loaded: the pointer is valid.
    const auto fn = reinterpret_cast<numguard_run_fn>(h.fn);
    const CallReply reply{fn(&p, out.data(), h.out), 0};
    if (!write_all(fd, &reply, sizeof reply) || !write_vec(fd, out.data(), h.out)) _exit(0);
  }
}

// ---- the server ----

bool send_fd(int sock, const ServerReply& reply, int fd) {
  iovec iov{const_cast<ServerReply*>(&reply), sizeof reply};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  if (fd >= 0) {
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
  }
  for (;;) {
    const ssize_t n = sendmsg(sock, &msg, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    return n == static_cast<ssize_t>(sizeof reply);
  }
}

bool receive_fd(int sock, ServerReply& reply, int* fd) {
  iovec iov{&reply, sizeof reply};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  do {
    n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n != static_cast<ssize_t>(sizeof reply)) return false;
  *fd = -1;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
      std::memcpy(fd, CMSG_DATA(c), sizeof(int));
  return true;
}

// The worker's end: how it ended, waiting a little for one that is on its way out (its socket
// closed), then killing it.
ServerReply status_of(pid_t pid) {
  ServerReply r;
  int status = 0;
  for (int i = 0; i < 400; ++i) {  // 2 s
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      r.status = status;
      r.reaped = 1;
      return r;
    }
    if (done < 0) return r;
    usleep(5000);
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  r.status = status;
  return r;
}

[[noreturn]] void server_main(int sock) {
  signal(SIGPIPE, SIG_IGN);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  for (;;) {
    ServerRequest q{};
    if (!read_all(sock, &q, sizeof q)) break;  // numguard has finished (or died)
    if (q.op == Op::spawn) {
      int sv[2];
      ServerReply r;
      if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
        r.pid = -errno;
        send_fd(sock, r, -1);
        continue;
      }
      const pid_t w = fork();
      if (w == 0) {
        close(sock);
        close(sv[0]);
        worker_main(sv[1], q.memory_bytes);
      }
      close(sv[1]);
      r.pid = w < 0 ? -errno : w;
      send_fd(sock, r, w < 0 ? -1 : sv[0]);
      close(sv[0]);
    } else if (q.op == Op::status) {
      const ServerReply r = status_of(static_cast<pid_t>(q.pid));
      if (!write_all(sock, &r, sizeof r)) break;
    }
  }
  // The workers read end of file on their sockets and leave; collect them.
  while (waitpid(-1, nullptr, 0) > 0) {
  }
  _exit(0);
}

// ---- numguard's side ----

struct Worker {
  pid_t pid = -1;
  int fd = -1;
};

struct KernelState {
  int crashes = 0;
  std::optional<std::string> given_up;
};

struct Pool {
  std::mutex mu;  // idle, kernels, limits
  std::mutex server_mu;
  int server = -1;
  Limits limits;
  std::vector<Worker> idle_cpu, idle_gpu;
  std::map<std::string, KernelState> kernels;
};

Pool& pool() {
  static Pool* p = new Pool();  // never destroyed: workers may outlive static destruction
  return *p;
}

std::string signal_text(int sig) {
  return fmt::format("signal {} ({})", sig, strsignal(sig));
}

Worker spawn(bool gpu) {
  Pool& pl = pool();
  std::lock_guard<std::mutex> lock(pl.server_mu);
  if (pl.server < 0) throw std::runtime_error("plugin kernels' worker server is not running");
  uint64_t memory = 0;
  {
    std::lock_guard<std::mutex> l(pl.mu);
    if (!gpu) memory = pl.limits.memory_mib << 20;
  }
  const ServerRequest q{Op::spawn, 0, memory, 0};
  ServerReply r;
  int fd = -1;
  if (!write_all(pl.server, &q, sizeof q) || !receive_fd(pl.server, r, &fd))
    throw std::runtime_error("lost the plugin kernels' worker server");
  if (r.pid < 0 || fd < 0)
    throw std::runtime_error(fmt::format("could not start a worker process: {}",
                                         std::strerror(static_cast<int>(-r.pid))));
  return {static_cast<pid_t>(r.pid), fd};
}

ServerReply ended(pid_t pid) {
  Pool& pl = pool();
  std::lock_guard<std::mutex> lock(pl.server_mu);
  const ServerRequest q{Op::status, 0, 0, pid};
  ServerReply r;
  if (!write_all(pl.server, &q, sizeof q) || !read_all(pl.server, &r, sizeof r))
    throw std::runtime_error("lost the plugin kernels' worker server");
  return r;
}

// Why the worker of a call ended, in words.
std::string why_ended(const ServerReply& r, bool timed_out, double timeout_s) {
  if (timed_out) return fmt::format("timed out after {:g} s (--kernel-timeout)", timeout_s);
  const int s = r.status;
  if (r.reaped && WIFSIGNALED(s)) return "killed by " + signal_text(WTERMSIG(s));
  if (r.reaped && WIFEXITED(s))
    return fmt::format("exited with status {} (exit() or _exit())", WEXITSTATUS(s));
  return "closed its connection to numguard and did not end (killed)";
}

// Counts a crash of kernel; the message of the exception the call throws.
void record_crash(const std::string& kernel, const std::string& why, bool hang) {
  Pool& pl = pool();
  std::lock_guard<std::mutex> lock(pl.mu);
  KernelState& s = pl.kernels[kernel];
  ++s.crashes;
  if (s.given_up) return;
  if (hang)
    s.given_up = "it hung (" + why + ")";
  else if (s.crashes >= kMaxCrashes)
    s.given_up = fmt::format("it crashed {} times (the last: {})", s.crashes, why);
}

}  // namespace

void set_limits(const Limits& l) {
  Pool& pl = pool();
  std::lock_guard<std::mutex> lock(pl.mu);
  pl.limits = l;
  // A worker's memory limit is set when it starts: the idle ones leave (end of file).
  for (std::vector<Worker>* idle : {&pl.idle_cpu, &pl.idle_gpu}) {
    for (const Worker& w : *idle) close(w.fd);
    idle->clear();
  }
}

Limits limits() {
  std::lock_guard<std::mutex> lock(pool().mu);
  return pool().limits;
}

void start() {
  Pool& pl = pool();
  // A server forked before the latest plugins were loaded does not have them mapped: replace
  // it (its workers leave when their sockets close).
  if (pl.server >= 0) {
    for (std::vector<Worker>* idle : {&pl.idle_cpu, &pl.idle_gpu}) {
      for (const Worker& w : *idle) close(w.fd);
      idle->clear();
    }
    close(pl.server);
    pl.server = -1;
  }
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    throw std::runtime_error(fmt::format("socketpair: {}", std::strerror(errno)));
  std::fflush(nullptr);  // the server must not inherit buffered output to print again
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    close(sv[0]);
    close(sv[1]);
    throw std::runtime_error(fmt::format("fork: {}", std::strerror(errno)));
  }
  if (pid == 0) {
    close(sv[0]);
    if (getppid() != parent) _exit(0);  // numguard died before PDEATHSIG was set
    server_main(sv[1]);
  }
  close(sv[1]);
  pl.server = sv[0];
}

bool started() {
  return pool().server >= 0;
}

std::optional<std::string> given_up(const std::string& kernel) {
  std::lock_guard<std::mutex> lock(pool().mu);
  const auto it = pool().kernels.find(kernel);
  return it == pool().kernels.end() ? std::nullopt : it->second.given_up;
}

int crash_count(const std::string& kernel) {
  std::lock_guard<std::mutex> lock(pool().mu);
  const auto it = pool().kernels.find(kernel);
  return it == pool().kernels.end() ? 0 : it->second.crashes;
}

int run(const std::string& kernel, numguard_run_fn fn, bool gpu, const numguard_problem& p,
        uint64_t* out, int64_t out_count) {
  Pool& pl = pool();
  Worker w;
  double timeout_s;
  {
    std::lock_guard<std::mutex> lock(pl.mu);
    if (const auto it = pl.kernels.find(kernel); it != pl.kernels.end() && it->second.given_up)
      throw KernelDied("not run: numguard gave up on the kernel: " + *it->second.given_up, true);
    std::vector<Worker>& idle = gpu ? pl.idle_gpu : pl.idle_cpu;
    if (!idle.empty()) {
      w = idle.back();
      idle.pop_back();
    }
    timeout_s = pl.limits.case_timeout_s;
  }
  if (w.fd < 0) w = spawn(gpu);
  const CallHeader h{reinterpret_cast<uint64_t>(fn),
                     p.m,
                     p.n,
                     p.k,
                     p.alpha,
                     p.beta,
                     {p.a.count, p.b.count, p.c.count, p.d.count},
                     p.lengths_count,
                     p.scalars_count,
                     out_count};
  const Clock::time_point deadline =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(std::min(timeout_s, 1e9)));
  bool timed_out = false;
  CallReply reply{};
  const bool ok =
      write_all(w.fd, &h, sizeof h) && write_vec(w.fd, p.a.bits, p.a.count) &&
      write_vec(w.fd, p.b.bits, p.b.count) && write_vec(w.fd, p.c.bits, p.c.count) &&
      write_vec(w.fd, p.d.bits, p.d.count) && write_vec(w.fd, p.lengths, p.lengths_count) &&
      write_vec(w.fd, p.scalars, p.scalars_count) &&
      read_all(w.fd, &reply, sizeof reply, &deadline, &timed_out) &&
      read_all(w.fd, out, static_cast<size_t>(out_count) * sizeof(uint64_t), &deadline, &timed_out);
  if (ok) {
    std::lock_guard<std::mutex> lock(pl.mu);
    (gpu ? pl.idle_gpu : pl.idle_cpu).push_back(w);
    return reply.rc;
  }
  if (timed_out) kill(w.pid, SIGKILL);
  close(w.fd);
  const std::string why = why_ended(ended(w.pid), timed_out, timeout_s);
  record_crash(kernel, why, timed_out);
  throw KernelDied(why, false);
}

}  // namespace numguard::kernel_worker
