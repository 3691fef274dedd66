// The registry: every kernel a run can use, built once at start-up -- the built-in kernels
// (harness/core/kernel.h's declarations), then each plugin's -- and never changed afterwards.
// It is the run context: the twins' tensor-core architecture is one of its inputs, chosen by
// one rule (choose_tc_arch), and the arch-dependent kernels are bound to it when it is built,
// so check, report and fuzz all run the kernels of one architecture and a query never changes
// what a kernel computes.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/kernel.h"

namespace numguard {

struct RegistryOptions {
  std::vector<std::string> plugins;  // shared libraries to load (--plugin), in order
  std::string tc_arch;               // "": by the rule of choose_tc_arch
  // Plugin kernels run in worker processes (harness/engine/kernel_worker.h): numguard's verbs
  // set it; the fuzz targets leave it off (libFuzzer isolates and records crashes itself).
  bool isolate_plugins = false;
};

// A registry that cannot be built: a bad plugin, an unknown NUMGUARD_TC_ARCH, a kernel whose
// op is not in the op table. One line, naming what is wrong.
struct RegistryError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The twins' tensor-core architecture and why: `explicit_arch` when given, then the
// environment's NUMGUARD_TC_ARCH, then the architecture of the CUDA device present, then
// hopper. Throws RegistryError for a name the tensor-core model has no presets for.
struct TcArchChoice {
  std::string arch;
  std::string source;  // "requested", "NUMGUARD_TC_ARCH", "device <name>", "default"
};
TcArchChoice choose_tc_arch(std::string_view explicit_arch = "");

class Registry {
 public:
  static Registry build(const RegistryOptions& opt = {});

  Registry(Registry&&) = default;  // the kernels' storage moves with it: pointers stay valid
  Registry& operator=(Registry&&) = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  const TcArchChoice& tc_arch() const { return arch_; }
  const std::vector<std::string>& plugins() const { return plugins_; }
  // Built-in kernels sorted by name, then the plugins' sorted by (library path, name).
  const std::vector<KernelDesc>& kernels() const { return kernels_; }

  const KernelDesc* find(std::string_view name) const;
  // Kernels whose name matches any of the comma-separated globs, in kernels() order; mutants
  // only when asked for (or when a glob names a mutant without wildcards). "" means "*".
  std::vector<const KernelDesc*> select(std::string_view globs, bool include_mutants) const;
  // The CPU kernel that declares itself the twin of device kernel `gpu` (its twin_of names
  // gpu), or nullptr. Looked up from the twin's side: a device mutant may name the correct
  // kernel's twin as its own twin_of on purpose, so that a GPU run's bit-for-bit comparison
  // catches it.
  const KernelDesc* cpu_twin_of(const KernelDesc& gpu) const;

 private:
  Registry() = default;
  TcArchChoice arch_;
  std::vector<std::string> plugins_;
  std::vector<KernelDesc> kernels_;
};

// The registry of this process: the one installed, or one built with default options on
// first use (an error then ends the process with its message: nothing can run without it).
const Registry& registry();
// Installs the registry of this process; throws std::logic_error when one is in use already
// (it must never change under a run).
const Registry& install_registry(Registry r);

// Shell-style glob: '*' any run, '?' one character, '[...]' a class (fnmatch).
bool glob_match(std::string_view pattern, std::string_view text);

// registry().find / registry().select.
const KernelDesc* find_kernel(std::string_view name);
std::vector<const KernelDesc*> select_kernels(std::string_view globs, bool include_mutants);

}  // namespace numguard
