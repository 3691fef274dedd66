// Out-of-tree kernels: loads a shared library that exports numguard_plugin_entry
// (include/numguard/plugin.h), checks its ABI version and every declaration, and returns its
// kernels for the registry (harness/engine/registry.h), where every verb, property, generator
// and bound sees them beside the built-in ones.
#pragma once

#include <string>
#include <vector>

#include "harness/core/kernel.h"

struct numguard_plugin;

namespace numguard {

// Loads the plugin at `path` and appends its kernels to `out`. Returns "" on success, or one
// line saying why nothing was appended (cannot be loaded, no entry point, wrong ABI version,
// unknown op, bad recipe field, a name that `existing` or the plugin itself has already).
std::string load_plugin(const std::string& path, const std::vector<KernelDesc>& existing,
                        std::vector<KernelDesc>& out);

// The checks load_plugin makes once it has the plugin's entry point's answer: the ABI
// version, then every declaration, validated before any is appended. Separate so that the
// validator can be fuzzed on declarations built in memory (fuzz/plugin_declarations_fuzz.cpp).
std::string load_plugin_declarations(const numguard_plugin* plugin, const std::string& path,
                                     const std::vector<KernelDesc>& existing,
                                     std::vector<KernelDesc>& out);

}  // namespace numguard
