// Replays fuzz inputs without libFuzzer, for g++ builds and ctest: every file named on the
// command line, and every file of every directory named (not recursive, dot-files skipped,
// in name order), goes through LLVMFuzzerTestOneInput in a child process of its own, so an
// input that aborts is named and counted and the rest still run.
//
//   numguard-fuzz-replay [--expect-failure] FILE_OR_DIR...
//
// Exit status: 0 when every input passed (with --expect-failure: when every input failed,
// which is how saved mutant reproducers stay honest), 1 otherwise, 2 on bad usage, an
// unreadable path or a configuration the target rejects, 3 when the target cannot run on
// this machine (its kernels need a GPU).
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace {

namespace fs = std::filesystem;

// Far above any useful input (libFuzzer's default -max_len is 4096); bounds memory on a
// mistaken path such as a build artifact.
constexpr std::uintmax_t kMaxInputBytes = 16u << 20;
// A target's initializer exits with these statuses when its configuration is unusable (a
// pin that names no kernel) or cannot run on this machine (a pin to GPU kernels without a
// GPU); the same answer would repeat for every input, so the replay stops with it.
constexpr int kConfigError = 2;
constexpr int kCannotRunHere = 3;

std::string prog = "replay";

int usage() {
  std::fprintf(stderr, "usage: %s [--expect-failure] FILE_OR_DIR...\n", prog.c_str());
  return 2;
}

bool collect(const fs::path& p, std::vector<fs::path>& files) {
  std::error_code ec;
  if (fs::is_directory(p, ec)) {
    std::vector<fs::path> found;
    for (const auto& e : fs::directory_iterator(p, ec))
      if (e.is_regular_file() && !e.path().filename().string().starts_with("."))
        found.push_back(e.path());
    if (ec) {
      std::fprintf(stderr, "%s: cannot read directory %s: %s\n", prog.c_str(), p.c_str(),
                   ec.message().c_str());
      return false;
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
    return true;
  }
  if (fs::is_regular_file(p, ec)) {
    files.push_back(p);
    return true;
  }
  std::fprintf(stderr, "%s: %s is not a file or directory\n", prog.c_str(), p.c_str());
  return false;
}

bool read_file(const fs::path& p, std::vector<uint8_t>& out) {
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(p, ec);
  if (ec || size > kMaxInputBytes) {
    std::fprintf(stderr, "%s: %s: %s\n", prog.c_str(), p.c_str(),
                 ec ? ec.message().c_str() : "larger than 16 MiB, not a fuzz input");
    return false;
  }
  std::ifstream in(p, std::ios::binary);
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) std::fprintf(stderr, "%s: %s: read error\n", prog.c_str(), p.c_str());
  return !in.bad();
}

// Runs one input in a child; true when it returned normally. The child runs the target's
// initializer itself: a CUDA context does not survive fork(), so a parent that initialized
// CUDA (numguard-fuzz queries the device for a pinned GPU kernel) would leave every child without
// a usable device.
bool run_one(const fs::path& p, const std::vector<uint8_t>& bytes, char** argv) {
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) {
    std::perror("fork");
    std::exit(2);
  }
  if (pid == 0) {
    setenv("NUMGUARD_FUZZ_INPUT", p.c_str(), 1);  // the reproducer names this file
    int argc = 1;
    if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
    LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
    std::fflush(nullptr);
    _exit(0);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      std::perror("waitpid");
      std::exit(2);
    }
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return true;
  if (WIFEXITED(status) && WEXITSTATUS(status) == kConfigError) {
    std::fprintf(stderr, "%s: the fuzz target rejected its configuration (above)\n", prog.c_str());
    std::exit(kConfigError);
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == kCannotRunHere) {
    std::fprintf(stderr, "%s: skipped, the fuzz target cannot run here (above)\n", prog.c_str());
    std::exit(kCannotRunHere);
  }
  if (WIFSIGNALED(status)) {
    std::fprintf(stderr, "%s: %s: killed by signal %d (%s)\n", prog.c_str(), p.c_str(),
                 WTERMSIG(status), strsignal(WTERMSIG(status)));
  } else {
    std::fprintf(stderr, "%s: %s: exit status %d\n", prog.c_str(), p.c_str(), WEXITSTATUS(status));
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 0) prog = fs::path(argv[0]).filename().string();
  bool expect_failure = false;
  std::vector<fs::path> files;
  bool paths_ok = true;
  int npaths = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--expect-failure") {
      expect_failure = true;
    } else if (a == "-h" || a == "--help") {
      usage();
      return 0;
    } else if (a.starts_with("-")) {
      std::fprintf(stderr, "%s: unknown option %s\n", prog.c_str(), a.c_str());
      return usage();
    } else {
      ++npaths;
      paths_ok = collect(a, files) && paths_ok;
    }
  }
  if (npaths == 0) {
    // Without inputs only the initializer runs, which lets a target act on its environment
    // (numguard-fuzz: NUMGUARD_FUZZ_LIST=1 prints its kernels and exits).
    int init_argc = 1;
    if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&init_argc, &argv);
    return usage();
  }
  if (!paths_ok) return 2;
  if (files.empty()) {
    std::fprintf(stderr, "%s: no input files found\n", prog.c_str());
    return 2;
  }

  int passed = 0, failed = 0, unreadable = 0;
  std::vector<std::string> unexpected;
  for (const fs::path& p : files) {
    std::vector<uint8_t> bytes;
    if (!read_file(p, bytes)) {
      ++unreadable;
      continue;
    }
    if (run_one(p, bytes, argv)) {
      ++passed;
      if (expect_failure) unexpected.push_back(p.string() + " passed, a failure was expected");
    } else {
      ++failed;
      if (!expect_failure) unexpected.push_back(p.string() + " failed");
    }
  }
  std::printf("%s: %zu inputs: %d passed, %d failed, %d unreadable%s\n", prog.c_str(), files.size(),
              passed, failed, unreadable, expect_failure ? " (failures expected)" : "");
  for (const std::string& u : unexpected) std::printf("  %s\n", u.c_str());
  if (unreadable > 0) return 2;
  return unexpected.empty() ? 0 : 1;
}
