#include "fuzz/regression_file.h"

#include <fmt/format.h>

#include <cctype>
#include <filesystem>
#include <fstream>

#include "fuzz/sha1.h"
#include "harness/engine/reproducer_file.h"

namespace numguard::fuzz {
namespace {

namespace fs = std::filesystem;

// Kernel names are dotted identifiers; anything else becomes '_' so a name cannot leave dir.
std::string folder_name(const std::string& kernel) {
  std::string s = kernel;
  for (char& ch : s)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '-' && ch != '_')
      ch = '_';
  return s.empty() || s[0] == '.' ? "_" + s : s;
}

}  // namespace

Written write_regression(const std::string& dir, const FuzzCase& c, const std::string& found,
                         std::span<const uint8_t> bytes) {
  Reproducer r;
  r.kernel = c.kernel->name;
  r.op = c.kernel->op;
  r.plugin = c.kernel->plugin;
  r.found = found + (c.how.empty() ? "" : "; input " + c.how);
  r.problem = c.problem;
  const fs::path folder = fs::path(dir) / folder_name(r.kernel);
  const fs::path path = folder / (sha1_hex(bytes).substr(0, 16) + ".repro");
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) return {.error = fmt::format("cannot create {}: {}", folder.string(), ec.message())};
  // Written beside, then renamed: a reader (ctest, `numguard repro`) never sees half a file.
  const fs::path tmp = folder / fmt::format(".{}.tmp", path.filename().string());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << format_reproducer(r);
    out.flush();
    if (!out) {
      fs::remove(tmp, ec);
      return {.error = fmt::format("cannot write {}", tmp.string())};
    }
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return {.error = fmt::format("cannot rename into {}: {}", path.string(), ec.message())};
  }
  return {.path = path.string()};
}

}  // namespace numguard::fuzz
