// Output files that a reader never sees half-written: the text goes to PATH.tmp, which is
// then renamed over PATH (rename(2) is atomic within a file system). A run interrupted
// before the rename leaves the previous PATH intact.
#pragma once

#include <string>
#include <string_view>

namespace numguard::cli {

// Checks, before a long run, that PATH.tmp can be created (and removes it again); returns
// an error message, or "" when the path is writable.
std::string probe_writable(const std::string& path);

// Writes text to PATH.tmp and renames it to PATH; returns an error message, or "" on success.
std::string write_file_atomically(const std::string& path, std::string_view text);

}  // namespace numguard::cli
