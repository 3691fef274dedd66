#include "fuzz/regression_file.h"

#include <fmt/format.h>

#include <cctype>
#include <filesystem>

#include "fuzz/sha1.h"
#include "harness/cli/atomic_file.h"
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
  // Through a temporary file created exclusively beside it, then renamed: a reader (ctest,
  // `numguard repro`) never sees half a file, and nothing planted there is written through.
  if (const std::string error = cli::write_file_atomically(path.string(), format_reproducer(r));
      !error.empty())
    return {.error = error};
  return {.path = path.string()};
}

}  // namespace numguard::fuzz
