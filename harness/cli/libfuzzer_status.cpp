#include "harness/cli/libfuzzer_status.h"

#include <charconv>

namespace numguard::cli {
namespace {

// The integer right after `key` (and its spaces), if the line has it.
std::optional<int64_t> after(std::string_view line, std::string_view key) {
  const size_t at = line.find(key);
  if (at == std::string_view::npos) return std::nullopt;
  size_t i = at + key.size();
  while (i < line.size() && line[i] == ' ') ++i;
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(line.data() + i, line.data() + line.size(), v);
  if (ec != std::errc() || end == line.data() + i) return std::nullopt;
  return v;
}

}  // namespace

std::optional<FuzzStatus> parse_libfuzzer_status(std::string_view line) {
  if (!line.starts_with('#')) return std::nullopt;
  FuzzStatus s;
  const auto execs = after(line, "#");
  const auto cov = after(line, "cov:");
  if (!execs || !cov) return std::nullopt;
  s.execs = *execs;
  s.coverage = *cov;
  s.corpus = after(line, "corp:").value_or(0);
  // "exec/s: N" in the plain mode, "exec/s N" in the fork mode.
  s.execs_per_s = after(line, "exec/s:").value_or(after(line, "exec/s").value_or(0));
  return s;
}

}  // namespace numguard::cli
