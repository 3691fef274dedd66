// --plugin PATH (repeatable) on the verbs that select kernels: the plugins load when the run's
// registry is built, before any selection, so their kernels match --kernel globs like the
// built-in ones.
#pragma once

#include <string>
#include <vector>

#include "harness/engine/kernel_worker.h"

namespace CLI {
class App;
}

namespace numguard::cli {

void add_plugin_option(CLI::App& app, std::vector<std::string>& paths);
// --kernel-timeout S and --kernel-memory MIB: the limits of each plugin kernel call's worker
// process (harness/engine/kernel_worker.h); `timeout_flag` names the first.
void add_kernel_limit_options(CLI::App& app, kernel_worker::Limits& limits,
                              const std::string& timeout_flag = "--kernel-timeout");
// Builds and installs the run's registry (harness/engine/registry.h) with these plugins;
// throws UsageError (one line, exit 2) when it cannot be built (a bad plugin, a bad
// NUMGUARD_TC_ARCH).
// Plugin kernels run in worker processes under `limits`.
void build_registry_or_fail(const std::vector<std::string>& plugins,
                            const kernel_worker::Limits& limits = {});

}  // namespace numguard::cli
