// --plugin PATH (repeatable) on the verbs that select kernels: the plugins load when the run's
// registry is built, before any selection, so their kernels match --kernel globs like the
// built-in ones.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace numguard::cli {

void add_plugin_option(CLI::App& app, std::vector<std::string>& paths);
// Builds and installs the run's registry (harness/engine/registry.h) with these plugins;
// throws UsageError (one line, exit 2) when it cannot be built (a bad plugin, a bad
// NUMGUARD_TC_ARCH).
void build_registry_or_fail(const std::vector<std::string>& plugins);

}  // namespace numguard::cli
