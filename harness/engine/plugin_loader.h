// Out-of-tree kernels: loads a shared library that exports numguard_plugin_entry
// (include/numguard/plugin.h), checks its ABI version and every declaration, and appends its
// kernels to the kernel table, where every verb, property, generator and bound sees them
// beside the built-in ones.
#pragma once

#include <string>

namespace numguard {

// Loads the plugin at `path` and registers its kernels. Returns "" on success, or one line
// saying why nothing was registered (cannot be loaded, no entry point, wrong ABI version,
// unknown op, bad recipe field, a name that already exists).
std::string load_plugin(const std::string& path);

}  // namespace numguard
