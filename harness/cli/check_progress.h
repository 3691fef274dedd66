// Progress of a long `numguard check` on stderr. On a terminal: one line redrawn with \r as
// the percentage changes. Otherwise (CI logs): nothing for runs under ~2 s, then one line per
// 10% — a log gets at most ten lines and no carriage returns.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>

namespace numguard::cli {

class CheckProgress {
 public:
  explicit CheckProgress(std::FILE* stream = stderr);
  // run_check calls this from its worker threads, concurrently; it serialises them.
  void update(int64_t done, int64_t total);
  // Erases the terminal line so that the report starts on a clean line.
  void finish();

 private:
  double elapsed_s() const;

  std::FILE* stream_;
  bool tty_;
  std::chrono::steady_clock::time_point start_;
  std::mutex mu_;
  int shown_ = -1;  // last percentage (terminal) or decile (log) written
  bool drawn_ = false;
};

}  // namespace numguard::cli
