// Output files that a reader never sees half-written and that never write through anything
// planted beside them: the text goes to a temporary file created exclusively (mkstemp:
// O_CREAT | O_EXCL, a fresh random name) in the target's folder, which is then renamed over
// the target (rename(2) is atomic within a file system). A target that exists and is not a
// regular file (a FIFO, a device, a directory, a symlink) is refused, never replaced. A run
// interrupted before the rename leaves the previous target intact.
#pragma once

#include <string>
#include <string_view>

namespace numguard::cli {

// Checks, before a long run, that PATH may be replaced and that a temporary file can be
// created beside it (and removes it again); returns an error message, or "" when it can.
std::string probe_writable(const std::string& path);

// Writes text to a fresh temporary file beside PATH and renames it to PATH; returns an error
// message, or "" on success.
std::string write_file_atomically(const std::string& path, std::string_view text);

}  // namespace numguard::cli
