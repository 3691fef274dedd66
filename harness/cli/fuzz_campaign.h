// One libFuzzer campaign of numguard-fuzz, run and watched by `numguard fuzz`: the child is
// started in its own process group with the kernel pin, plugins and reproducer folder in its
// environment; its output is read line by line for progress and findings; past the time
// limit plus a grace period the whole group is killed, so a hung kernel cannot hang numguard.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "harness/cli/libfuzzer_status.h"

namespace numguard::cli {

struct Campaign {
  std::string fuzzer;             // the numguard-fuzz binary
  std::vector<std::string> args;  // libFuzzer's flags and the corpus folder
  std::vector<std::string> env;   // NAME=VALUE added to the child's environment
  double deadline_s = 0;          // kill the group after this many seconds
  std::function<void(const std::string& line)> on_line;  // every output line
};

struct CampaignResult {
  int exit_code = -1;   // the child's exit status, -1 when killed by a signal
  int signal = 0;       // the signal that ended it, 0 if it exited
  bool killed = false;  // we killed it past the deadline
  std::string error;    // could not start
};

CampaignResult run_campaign(const Campaign& c);

}  // namespace numguard::cli
