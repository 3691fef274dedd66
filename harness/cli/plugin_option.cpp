#include "harness/cli/plugin_option.h"

#include <CLI/CLI.hpp>

#include "harness/cli/verb.h"
#include "harness/engine/plugin_loader.h"

namespace numguard::cli {

void add_plugin_option(CLI::App& app, std::vector<std::string>& paths) {
  app.add_option("--plugin", paths,
                 "Load kernels from a shared library (include/numguard/plugin.h); repeatable")
      ->type_name("LIB")
      ->take_all()
      ->allow_extra_args(false);
}

void load_plugins_or_fail(const std::vector<std::string>& paths) {
  for (const std::string& p : paths)
    if (const std::string why = load_plugin(p); !why.empty()) throw UsageError(why);
}

}  // namespace numguard::cli
