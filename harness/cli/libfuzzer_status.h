// Reading libFuzzer's status lines, for `numguard fuzz`'s progress: the plain mode's
//   #4096  pulse  cov: 123 ft: 456 corp: 34/1234b lim: 4 exec/s: 512 rss: 40Mb
// and the fork mode's
//   #12345: cov: 123 ft: 456 corp: 78 exec/s: 1000 oom/timeout/crash: 0/0/1 time: 10s job: 3
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace numguard::cli {

struct FuzzStatus {
  int64_t execs = 0, coverage = 0, corpus = 0, execs_per_s = 0;
};

// The status a line reports, or nullopt for any other line.
std::optional<FuzzStatus> parse_libfuzzer_status(std::string_view line);

}  // namespace numguard::cli
