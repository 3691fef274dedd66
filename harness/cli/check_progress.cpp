#include "harness/cli/check_progress.h"

#include <fmt/format.h>
#include <unistd.h>

namespace numguard::cli {
namespace {

// Below this a run is short enough that a log needs no progress lines at all.
constexpr double kQuietSeconds = 2.0;

}  // namespace

CheckProgress::CheckProgress(std::FILE* stream)
    : stream_(stream),
      tty_(isatty(fileno(stream)) == 1),
      start_(std::chrono::steady_clock::now()) {}

double CheckProgress::elapsed_s() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void CheckProgress::update(int64_t done, int64_t total) {
  if (total <= 0) return;
  const int percent = static_cast<int>(100 * done / total);
  std::lock_guard<std::mutex> lock(mu_);
  if (tty_) {
    if (percent == shown_) return;
    shown_ = percent;
    drawn_ = true;
    fmt::print(stream_, "\rnumguard check: {:3}% ({:.1f} s)", percent, elapsed_s());
    std::fflush(stream_);
    return;
  }
  const int decile = percent / 10;
  if (decile <= shown_ || decile == 0 || elapsed_s() < kQuietSeconds) return;
  shown_ = decile;
  fmt::print(stream_, "numguard check: {}% ({:.1f} s)\n", decile * 10, elapsed_s());
  std::fflush(stream_);
}

void CheckProgress::finish() {
  std::lock_guard<std::mutex> lock(mu_);
  if (tty_ && drawn_) fmt::print(stream_, "\r{:40}\r", "");
  drawn_ = false;
}

}  // namespace numguard::cli
