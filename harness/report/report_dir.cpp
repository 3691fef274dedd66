#include "harness/report/report_dir.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <system_error>

namespace fs = std::filesystem;

namespace numguard::report {
namespace {

// What the signal handler removes: files first, then folders (deepest first). Built before
// the first file is written; the handler only calls unlink/rmdir (async-signal-safe).
char** g_cleanup = nullptr;
size_t g_cleanup_count = 0;

extern "C" void remove_staging_and_reraise(int sig) {
  for (size_t i = 0; i < g_cleanup_count; ++i) {
    if (unlink(g_cleanup[i]) != 0) rmdir(g_cleanup[i]);
  }
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

struct CleanupGuard {
  std::vector<std::string> paths;
  std::vector<char*> ptrs;
  void (*old_int)(int) = nullptr;
  void (*old_term)(int) = nullptr;
  explicit CleanupGuard(std::vector<std::string> p) : paths(std::move(p)) {
    for (std::string& s : paths) ptrs.push_back(s.data());
    g_cleanup = ptrs.data();
    g_cleanup_count = ptrs.size();
    old_int = std::signal(SIGINT, remove_staging_and_reraise);
    old_term = std::signal(SIGTERM, remove_staging_and_reraise);
  }
  ~CleanupGuard() {
    std::signal(SIGINT, old_int == SIG_ERR ? SIG_DFL : old_int);
    std::signal(SIGTERM, old_term == SIG_ERR ? SIG_DFL : old_term);
    g_cleanup_count = 0;
    g_cleanup = nullptr;
  }
};

bool looks_like_report(const fs::path& dir) {
  std::error_code ec;
  if (fs::is_empty(dir, ec)) return true;
  return fs::exists(dir / "report.json", ec);
}

void write_all(const fs::path& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (fd < 0)
    throw std::runtime_error("cannot create " + path.string() + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string why = std::strerror(errno);
      ::close(fd);
      throw std::runtime_error("cannot write " + path.string() + ": " + why);
    }
    done += static_cast<size_t>(n);
  }
  const bool ok = ::fsync(fd) == 0;
  if (::close(fd) != 0 || !ok)
    throw std::runtime_error("cannot write " + path.string() + ": " + std::strerror(errno));
}

}  // namespace

std::string report_dir_problem(const std::string& dir) {
  if (dir.empty()) return "--out needs a directory name";
  const fs::path p = fs::absolute(dir).lexically_normal();
  std::error_code ec;
  const fs::path parent = p.has_filename() ? p.parent_path() : p.parent_path().parent_path();
  if (!fs::is_directory(parent, ec))
    return "the parent folder " + parent.string() + " does not exist";
  if (::access(parent.c_str(), W_OK | X_OK) != 0)
    return "cannot write in " + parent.string() + ": " + std::strerror(errno);
  if (fs::exists(p, ec)) {
    if (!fs::is_directory(p, ec)) return p.string() + " exists and is not a directory";
    if (!looks_like_report(p))
      return "refusing to replace " + p.string() +
             ": it is neither empty nor a numguard report (no report.json)";
  }
  return "";
}

void write_report_dir(const std::string& dir,
                      const std::vector<std::pair<std::string, std::string>>& files) {
  if (const std::string why = report_dir_problem(dir); !why.empty()) throw std::runtime_error(why);
  fs::path target = fs::absolute(dir).lexically_normal();
  if (!target.has_filename()) target = target.parent_path();
  std::string hidden = ".";  // built in steps: GCC 12 warns (-Wrestrict) on one expression
  hidden += target.filename().string();
  hidden += ".staging-XXXXXX";
  const std::string tmpl = (target.parent_path() / hidden).string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data()))
    throw std::runtime_error("cannot create a staging folder beside " + target.string() + ": " +
                             std::strerror(errno));
  const fs::path staging = buf.data();
  // mkdtemp makes the folder private (0700); a report is for reading.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::chmod(staging.c_str(), 0777 & ~mask);

  std::vector<std::string> cleanup;
  std::vector<fs::path> folders;
  for (const auto& [rel, text] : files) {
    const fs::path f = staging / rel;
    cleanup.push_back(f.string());
    if (f.parent_path() != staging &&
        std::find(folders.begin(), folders.end(), f.parent_path()) == folders.end())
      folders.push_back(f.parent_path());
  }
  for (const fs::path& f : folders) cleanup.push_back(f.string());
  cleanup.push_back(staging.string());
  CleanupGuard guard(cleanup);

  try {
    for (const fs::path& f : folders) fs::create_directories(f);
    for (const auto& [rel, text] : files) write_all(staging / rel, text);
    std::error_code ec;
    if (fs::exists(target, ec)) {
      if (renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) != 0) {
        // No atomic exchange on this file system: move the old report aside, then in.
        const fs::path aside = staging.string() + ".old";
        fs::rename(target, aside);
        try {
          fs::rename(staging, target);
        } catch (...) {
          fs::rename(aside, target, ec);  // put the previous report back before giving up
          throw;
        }
        fs::remove_all(aside, ec);
        return;
      }
      fs::remove_all(staging, ec);  // the previous report, now under the staging name
      return;
    }
    fs::rename(staging, target);
  } catch (const std::exception& e) {
    std::error_code ec;
    fs::remove_all(staging, ec);
    throw std::runtime_error(std::string("writing the report failed, previous report kept: ") +
                             e.what());
  }
}

}  // namespace numguard::report
