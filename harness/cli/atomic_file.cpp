#include "harness/cli/atomic_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace numguard::cli {
namespace {

std::string failure(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

}  // namespace

std::string probe_writable(const std::string& path) {
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return failure("cannot create", tmp);
  std::fclose(f);
  std::remove(tmp.c_str());
  return "";
}

std::string write_file_atomically(const std::string& path, std::string_view text) {
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return failure("cannot create", tmp);
  const bool written = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  // fclose flushes: a full disk shows up here rather than at fwrite.
  const bool closed = std::fclose(f) == 0;
  if (!written || !closed) {
    const std::string error = failure("cannot write", tmp);
    std::remove(tmp.c_str());
    return error;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string error = failure("cannot rename " + tmp + " to", path);
    std::remove(tmp.c_str());
    return error;
  }
  return "";
}

}  // namespace numguard::cli
