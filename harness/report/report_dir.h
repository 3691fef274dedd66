// Writing a report directory so that no reader ever sees a half-written report: every file
// is written into a hidden staging directory beside DIR, which then replaces DIR in one
// rename (renameat2 RENAME_EXCHANGE where the file system has it). A run that fails or is
// interrupted (SIGINT, SIGTERM) removes its staging directory and leaves the previous DIR as
// it was. DIR is only ever replaced when it is absent, empty or a report numguard wrote, so a
// typo'd --out cannot delete someone's folder.
//
// A report numguard wrote is recognised by its marker, DIR/.numguard-report, which lists every
// file numguard wrote there (a report.json alone proves nothing: any folder may hold one). A
// folder that holds anything its marker does not list (a file the user added beside the
// report) is refused, not replaced: numguard never deletes a file it did not write. When a
// report is replaced, only the files its marker lists are removed from the old folder.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace numguard::report {

// The marker's name, and its first line; each further line is one file numguard wrote, as a
// path relative to DIR ("report.json", "plots/x.svg").
inline constexpr const char* kReportMarker = ".numguard-report";
inline constexpr const char* kReportMarkerHeader = "numguard-report 1";

// Why DIR cannot receive a report ("" when it can): checked before the studies run, and again
// just before the swap.
std::string report_dir_problem(const std::string& dir);

// files: (relative path, contents); relative paths may contain one level of folder
// ("plots/x.svg"). The marker listing them is written too. Throws std::runtime_error with a
// one-line message on failure.
void write_report_dir(const std::string& dir,
                      const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace numguard::report
