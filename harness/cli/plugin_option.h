// --plugin PATH (repeatable) on the verbs that select kernels: the plugins load before the
// selection, so their kernels match --kernel globs like the built-in ones.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace numguard::cli {

void add_plugin_option(CLI::App& app, std::vector<std::string>& paths);
// Loads every plugin; throws UsageError (one line, exit 2) at the first that fails.
void load_plugins_or_fail(const std::vector<std::string>& paths);

}  // namespace numguard::cli
