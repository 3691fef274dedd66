#include "harness/cli/plugin_option.h"

#include <CLI/CLI.hpp>

#include "harness/cli/numeric_option.h"
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

void add_kernel_limit_options(CLI::App& app, kernel_worker::Limits& limits,
                              const std::string& timeout_flag) {
  app.add_option(timeout_flag, limits.case_timeout_s,
                 "Seconds one call of a plugin kernel may take before it counts as a hang "
                 "(default 300)")
      ->type_name("S")
      ->check(number_in(0, 1e6, true));
  app.add_option("--kernel-memory", limits.memory_mib,
                 "MiB of address space a plugin CPU kernel's worker process may use "
                 "(default 16384; 0: no limit)")
      ->type_name("MIB")
      ->check(integer_in(0, int64_t{1} << 30));
}

void build_registry_or_fail(const std::vector<std::string>& plugins,
                            const kernel_worker::Limits& limits) {
  kernel_worker::set_limits(limits);
  try {
    install_registry(Registry::build({.plugins = plugins, .isolate_plugins = true}));
  } catch (const RegistryError& e) {
    throw UsageError(e.what());
  }
}

}  // namespace numguard::cli
