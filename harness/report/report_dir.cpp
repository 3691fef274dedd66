#include "harness/report/report_dir.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <system_error>

#include "harness/core/printable.h"

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

// A name numguard could have listed: relative, at most one folder deep, no empty, "." or ".."
// part, no control character. A marker with any other line was not written by numguard, and
// its lines must never steer a deletion outside DIR.
bool safe_entry(const std::string& e) {
  if (e.empty() || e.size() > 1024 || e == kReportMarker) return false;
  for (const char ch : e) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) return false;
  }
  size_t parts = 0, start = 0;
  for (;;) {
    const size_t slash = e.find('/', start);
    const std::string part = e.substr(start, slash == std::string::npos ? slash : slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    ++parts;
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return parts <= 2;
}

enum class Marker { absent, valid, invalid };

// Reads DIR's marker into `listed`; `why` says what is wrong with an invalid one.
Marker read_marker(const fs::path& dir, std::vector<std::string>& listed, std::string& why) {
  listed.clear();
  const fs::path path = dir / kReportMarker;
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Marker::absent;
    why = "cannot read its " + std::string(kReportMarker) + ": " + std::strerror(errno);
    return Marker::invalid;
  }
  // A report lists a few hundred names; anything far larger is not a marker numguard wrote.
  constexpr off_t kMaxMarkerBytes = 1 << 20;
  if (!S_ISREG(st.st_mode) || st.st_size > kMaxMarkerBytes) {
    why = "its " + std::string(kReportMarker) + " is not a marker numguard wrote";
    return Marker::invalid;
  }
  std::ifstream in(path, std::ios::binary);
  std::string line;
  if (!in || !std::getline(in, line) || line != kReportMarkerHeader) {
    why = "its " + std::string(kReportMarker) + " is not a marker numguard wrote";
    return Marker::invalid;
  }
  while (std::getline(in, line)) {
    if (!safe_entry(line)) {
      why = "its " + std::string(kReportMarker) + " lists '" + printable(line) +
            "', which numguard never writes";
      return Marker::invalid;
    }
    listed.push_back(line);
  }
  return Marker::valid;
}

// The first thing under DIR (relative name) that its marker does not account for: neither the
// marker, nor a listed regular file, nor a folder holding one; "" when there is none.
std::string unlisted_entry(const fs::path& dir, const std::vector<std::string>& listed,
                           std::string& why) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    const std::string rel = it->path().lexically_relative(dir).generic_string();
    std::error_code type_ec;
    const fs::file_status st = it->symlink_status(type_ec);
    if (rel == kReportMarker) continue;
    if (std::find(listed.begin(), listed.end(), rel) != listed.end()) {
      if (fs::is_regular_file(st)) continue;
      return rel;  // a listed name that is now a link or a folder is not ours any more
    }
    if (fs::is_directory(st) &&
        std::any_of(listed.begin(), listed.end(),
                    [&](const std::string& e) { return e.starts_with(rel + "/"); }))
      continue;
    return rel;
  }
  if (ec) why = "cannot list it: " + ec.message();
  return "";
}

// Removes what a replaced report's marker lists from OLD (the previous DIR, moved aside), then
// OLD itself if nothing else is left. Anything the marker does not list stays, and with it
// OLD: numguard never deletes a file it did not write (a file added to DIR after the check).
void remove_previous_report(const fs::path& old) {
  std::vector<std::string> listed;
  std::string why;
  if (read_marker(old, listed, why) == Marker::valid) {
    for (const std::string& e : listed) {
      const fs::path f = old / e;
      struct stat st {};
      if (::lstat(f.c_str(), &st) == 0 && S_ISREG(st.st_mode)) ::unlink(f.c_str());
    }
    ::unlink((old / kReportMarker).c_str());
    for (const std::string& e : listed)
      if (const size_t slash = e.find('/'); slash != std::string::npos)
        ::rmdir((old / e.substr(0, slash)).c_str());  // fails, harmlessly, when not empty
  }
  ::rmdir(old.c_str());
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
  struct stat st {};
  if (::lstat(p.c_str(), &st) != 0) return "";  // absent: created by the rename
  if (!S_ISDIR(st.st_mode)) return p.string() + " exists and is not a directory";
  std::vector<std::string> listed;
  std::string why;
  switch (read_marker(p, listed, why)) {
    case Marker::invalid:
      return "refusing to replace " + p.string() + ": " + why;
    case Marker::absent:
      if (fs::is_empty(p, ec) && !ec) return "";
      // A report.json alone may be a report of a numguard from before the marker, or anyone's
      // file: either way only its owner may delete the folder.
      return "refusing to replace " + p.string() + ": it is not empty and has no " + kReportMarker +
             " (the list of files numguard wrote in a report folder)" +
             (fs::exists(p / "report.json", ec) ? "; remove an older report yourself" : "");
    case Marker::valid:
      break;
  }
  if (const std::string stranger = unlisted_entry(p, listed, why); !stranger.empty())
    return "refusing to replace " + p.string() + ": it holds " + printable(stranger) +
           ", which numguard did not write (move it away or choose another --out)";
  if (!why.empty()) return "refusing to replace " + p.string() + ": " + why;
  return "";
}

void write_report_dir(const std::string& dir,
                      const std::vector<std::pair<std::string, std::string>>& report_files) {
  if (const std::string why = report_dir_problem(dir); !why.empty())
    throw std::runtime_error(printable(why));
  // The marker lists every file written, so that the next run may remove exactly these.
  std::vector<std::pair<std::string, std::string>> files = report_files;
  std::string marker = std::string(kReportMarkerHeader) + "\n";
  for (const auto& [rel, text] : files) {
    if (!safe_entry(rel)) throw std::runtime_error("a report file named '" + printable(rel) + "'");
    marker += rel + "\n";
  }
  files.emplace_back(kReportMarker, std::move(marker));
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
    // Checked again: the run took minutes, and someone may have put a file into DIR meanwhile.
    if (const std::string why = report_dir_problem(dir); !why.empty())
      throw std::runtime_error(why);
    struct stat st {};
    if (::lstat(target.c_str(), &st) == 0) {
      if (renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) != 0) {
        // No atomic exchange on this file system: move the old report aside, then in.
        const fs::path aside = staging.string() + ".old";
        fs::rename(target, aside);
        try {
          fs::rename(staging, target);
        } catch (...) {
          std::error_code ec;
          fs::rename(aside, target, ec);  // put the previous report back before giving up
          throw;
        }
        remove_previous_report(aside);
        return;
      }
      remove_previous_report(staging);  // the previous report, now under the staging name
      return;
    }
    fs::rename(staging, target);
  } catch (const std::exception& e) {
    std::error_code ec;
    fs::remove_all(staging, ec);  // only what this run wrote: the swap has not happened
    throw std::runtime_error("writing the report failed, previous report kept: " +
                             printable(e.what()));
  }
}

}  // namespace numguard::report
