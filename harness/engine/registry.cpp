#include "harness/engine/registry.h"

#include <fmt/format.h>
#include <fnmatch.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <set>
#include <tuple>

#include "harness/core/recipe_validation.h"
#include "harness/device/device.h"
#include "harness/engine/kernel_worker.h"
#include "harness/engine/op.h"
#include "harness/engine/op_recipe.h"
#include "harness/engine/plugin_loader.h"
#include "references/tensor_core_model.h"

namespace numguard {
namespace {

bool known_arch(std::string_view arch) {
  const auto all = tc::tc_architectures();
  return std::find(all.begin(), all.end(), arch) != all.end();
}

std::string known_archs() {
  std::string s;
  for (std::string_view a : tc::tc_architectures()) s += (s.empty() ? "" : ", ") + std::string(a);
  return s;
}

// The checks a registry's kernels must pass before anything runs them.
void validate_kernels(const std::vector<KernelDesc>& kernels) {
  std::set<std::string_view> names;
  for (const KernelDesc& k : kernels) {
    if (!plain_kernel_name(k.name))
      throw RegistryError(
          fmt::format("kernel '{}': a name has letters, digits and . _ - + only", k.name));
    if (!names.insert(k.name).second)
      throw RegistryError(fmt::format("kernel {} is declared twice", k.name));
    if (!find_op(k.op))
      throw RegistryError(fmt::format(
          "kernel {} declares op '{}', which the op table does not have", k.name, k.op));
    // Built-in kernels pass the same recipe check as plugins (the loader reports a plugin's
    // problem with its field names first).
    std::optional<RecipeProblem> bad = validate(k.recipe);
    if (!bad) bad = unread_by_op(k.recipe, *find_op(k.op));
    if (bad)
      throw RegistryError(fmt::format("kernel {}{}: recipe {}", k.name,
                                      k.plugin.empty() ? "" : " (plugin " + k.plugin + ")",
                                      bad->line()));
  }
  for (const KernelDesc& k : kernels)
    if (!k.twin_of.empty() && !names.count(k.twin_of))
      throw RegistryError(
          fmt::format("kernel {} names twin {}, which is not declared", k.name, k.twin_of));
}

struct Installed {
  std::mutex mu;
  std::unique_ptr<Registry> r;
};
Installed& installed() {
  static Installed i;
  return i;
}

}  // namespace

TcArchChoice choose_tc_arch(std::string_view explicit_arch) {
  TcArchChoice c;
  const char* env = std::getenv("NUMGUARD_TC_ARCH");
  if (!explicit_arch.empty()) {
    c = {std::string(explicit_arch), "requested"};
  } else if (env && *env) {
    c = {env, "NUMGUARD_TC_ARCH"};
  } else if (const std::string dev = device::tc_arch(); !dev.empty()) {
    c = {dev, "device " + device::status().name};
  } else {
    c = {"hopper", "default"};
  }
  if (!known_arch(c.arch))
    throw RegistryError(fmt::format("{} names tensor-core architecture '{}', not one of {}",
                                    c.source, c.arch, known_archs()));
  return c;
}

Registry Registry::build(const RegistryOptions& opt) {
  Registry r;
  r.plugins_ = opt.plugins;
  r.kernels_ = declared_kernels();
  const size_t built_in = r.kernels_.size();
  for (const std::string& path : opt.plugins) {
    std::vector<KernelDesc> loaded;
    if (const std::string why = load_plugin(path, r.kernels_, loaded); !why.empty())
      throw RegistryError(why);
    for (KernelDesc& k : loaded) r.kernels_.push_back(std::move(k));
  }
  // The worker server forks now: every plugin loaded, no thread started, and no CUDA context
  // yet (choosing the architecture may query the device; a fork cannot inherit a context).
  if (opt.isolate_plugins && r.kernels_.size() > built_in) {
    try {
      kernel_worker::start();
    } catch (const std::exception& e) {
      throw RegistryError(std::string("cannot start the plugin kernels' worker server: ") +
                          e.what());
    }
  }
  r.arch_ = choose_tc_arch(opt.tc_arch);
  for (KernelDesc& k : r.kernels_)
    if (k.for_arch) k.for_arch(k, r.arch_.arch);
  // Built-in kernels first, then the plugins' (by library path): a plugin cannot reorder the
  // built-in ones, so listings, check tables and the fuzz targets' kernel selectors keep their
  // order with it.
  std::sort(r.kernels_.begin(), r.kernels_.end(), [](const KernelDesc& a, const KernelDesc& b) {
    return std::tie(a.plugin, a.name) < std::tie(b.plugin, b.name);
  });
  validate_kernels(r.kernels_);
  r.kernels_.shrink_to_fit();  // never resized again: the twin links below stay valid
  for (KernelDesc& k : r.kernels_)
    if (!k.twin_of.empty()) k.twin = r.find(k.twin_of);
  return r;
}

const KernelDesc* Registry::find(std::string_view name) const {
  for (const KernelDesc& k : kernels_)
    if (k.name == name) return &k;
  return nullptr;
}

std::vector<const KernelDesc*> Registry::select(std::string_view globs,
                                                bool include_mutants) const {
  std::vector<std::string> patterns;
  size_t start = 0;
  while (start <= globs.size()) {
    const size_t end = std::min(globs.find(',', start), globs.size());
    if (end > start) patterns.emplace_back(globs.substr(start, end - start));
    start = end + 1;
  }
  if (patterns.empty()) patterns.emplace_back("*");
  std::vector<const KernelDesc*> out;
  for (const KernelDesc& k : kernels_) {
    for (const std::string& p : patterns) {
      const bool exact = p == k.name;
      if ((exact || glob_match(p, k.name)) && (include_mutants || !k.mutant || exact)) {
        out.push_back(&k);
        break;
      }
    }
  }
  return out;
}

const KernelDesc* Registry::cpu_twin_of(const KernelDesc& gpu) const {
  for (const KernelDesc& k : kernels_)
    if (k.device == Device::cpu && k.twin_of == gpu.name) return &k;
  return nullptr;
}

const Registry& registry() {
  Installed& i = installed();
  std::lock_guard<std::mutex> lock(i.mu);
  if (!i.r) {
    try {
      i.r = std::make_unique<Registry>(Registry::build());
    } catch (const RegistryError& e) {
      std::fprintf(stderr, "numguard: %s\n", e.what());
      std::exit(2);
    }
  }
  return *i.r;
}

const Registry& install_registry(Registry r) {
  Installed& i = installed();
  std::lock_guard<std::mutex> lock(i.mu);
  if (i.r) throw std::logic_error("install_registry: the registry is in use already");
  i.r = std::make_unique<Registry>(std::move(r));
  return *i.r;
}

bool glob_match(std::string_view pattern, std::string_view text) {
  return fnmatch(std::string(pattern).c_str(), std::string(text).c_str(), 0) == 0;
}

const KernelDesc* find_kernel(std::string_view name) {
  return registry().find(name);
}

std::vector<const KernelDesc*> select_kernels(std::string_view globs, bool include_mutants) {
  return registry().select(globs, include_mutants);
}

}  // namespace numguard
