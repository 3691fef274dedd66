#include "harness/cli/plugin_option.h"

#include <CLI/CLI.hpp>

#include "harness/cli/verb.h"
#include "harness/engine/registry.h"

namespace numguard::cli {

void add_plugin_option(CLI::App& app, std::vector<std::string>& paths) {
  app.add_option("--plugin", paths,
                 "Load kernels from a shared library (include/numguard/plugin.h); repeatable")
      ->type_name("LIB")
      ->take_all()
      ->allow_extra_args(false);
}

void build_registry_or_fail(const std::vector<std::string>& plugins) {
  try {
    install_registry(Registry::build({.plugins = plugins}));
  } catch (const RegistryError& e) {
    throw UsageError(e.what());
  }
}

}  // namespace numguard::cli
