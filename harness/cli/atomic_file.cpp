#include "harness/cli/atomic_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace numguard::cli {
namespace {

std::string failure(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

// Why PATH must not be replaced: it exists and is not a regular file (lstat: a symlink counts
// as one of those, whatever it points at).
std::string target_problem(const std::string& path) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) return "";  // absent: created by the rename
  if (S_ISREG(st.st_mode)) return "";
  const char* what = S_ISDIR(st.st_mode)                          ? "a directory"
                     : S_ISLNK(st.st_mode)                        ? "a symbolic link"
                     : S_ISFIFO(st.st_mode)                       ? "a FIFO"
                     : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
                                                                  : "not a regular file";
  return path + " exists and is " + what + ": numguard replaces only regular files";
}

// A new temporary file beside path, created exclusively; fd -1 on failure (errno set).
int create_temporary(const std::string& path, std::string& name) {
  std::vector<char> tmpl(path.begin(), path.end());
  for (char c : std::string_view(".tmp.XXXXXX")) tmpl.push_back(c);
  tmpl.push_back('\0');
  const int fd = mkstemp(tmpl.data());
  name = tmpl.data();
  return fd;
}

bool write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    text.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

std::string probe_writable(const std::string& path) {
  if (std::string why = target_problem(path); !why.empty()) return why;
  std::string tmp;
  const int fd = create_temporary(path, tmp);
  if (fd < 0) return failure("cannot create a file beside", path);
  close(fd);
  std::remove(tmp.c_str());
  return "";
}

std::string write_file_atomically(const std::string& path, std::string_view text) {
  if (std::string why = target_problem(path); !why.empty()) return why;
  std::string tmp;
  const int fd = create_temporary(path, tmp);
  if (fd < 0) return failure("cannot create a file beside", path);
  const bool written = write_all(fd, text);
  // close reports a deferred write error (NFS, a full disk) here rather than never.
  const bool closed = close(fd) == 0;
  if (!written || !closed) {
    const std::string error = failure("cannot write", tmp);
    std::remove(tmp.c_str());
    return error;
  }
  // mkstemp creates 0600; an output file is as readable as any the user writes.
  const mode_t mask = umask(0);
  umask(mask);
  chmod(tmp.c_str(), 0666 & ~mask);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string error = failure("cannot rename " + tmp + " to", path);
    std::remove(tmp.c_str());
    return error;
  }
  return "";
}

}  // namespace numguard::cli
