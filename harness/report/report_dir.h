// Writing a report directory so that no reader ever sees a half-written report: every file
// is written into a hidden staging directory beside DIR, which then replaces DIR in one
// rename (renameat2 RENAME_EXCHANGE where the file system has it). A run that fails or is
// interrupted (SIGINT, SIGTERM) removes its staging directory and leaves the previous DIR as
// it was. DIR is only ever replaced when it is empty or holds a previous report, so a typo'd
// --out cannot delete someone's folder.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace numguard::report {

// Why DIR cannot receive a report ("" when it can): checked before the studies run.
std::string report_dir_problem(const std::string& dir);

// files: (relative path, contents); relative paths may contain one level of folder
// ("plots/x.svg"). Throws std::runtime_error with a one-line message on failure.
void write_report_dir(const std::string& dir,
                      const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace numguard::report
