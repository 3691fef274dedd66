#include "kernels_under_test/cpu/twin_arch.h"

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <utility>
#include <vector>

#include "harness/core/kernel.h"

namespace numguard::kernels {
namespace {

bool known_arch(std::string_view arch) {
  const auto all = tc_architectures();
  return std::find(all.begin(), all.end(), arch) != all.end();
}

std::string known_list() {
  std::string s;
  for (std::string_view a : tc_architectures()) s += (s.empty() ? "" : ", ") + std::string(a);
  return s;
}

struct ArchRecipe {
  std::string kernel;
  std::function<Recipe(std::string_view)> recipe_of;
};

// Function-local statics: registrations call in from other files' static initializers.
struct State {
  std::mutex mu;
  std::string arch;
  std::vector<ArchRecipe> dependents;
  State() {
    const char* env = std::getenv("NUMGUARD_TC_ARCH");
    if (env == nullptr || *env == '\0') {
      arch = "hopper";
    } else if (known_arch(env)) {
      arch = env;
    } else {
      // Thrown at static initialization: the process stops with this message, before any
      // check could run against the wrong model.
      throw std::invalid_argument("NUMGUARD_TC_ARCH=" + std::string(env) + " is not one of " +
                                  known_list());
    }
  }
};

State& state() {
  static State s;
  return s;
}

}  // namespace

std::string twin_arch() {
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mu);
  return s.arch;
}

void set_twin_arch(std::string arch) {
  if (!known_arch(arch))
    throw std::invalid_argument("twin architecture '" + arch + "' is not one of " + known_list());
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mu);
  s.arch = std::move(arch);
  for (const ArchRecipe& d : s.dependents)
    for (KernelDesc& k : kernel_table())
      if (k.name == d.kernel) k.recipe = d.recipe_of(s.arch);
}

TcModel twin_tc_model(std::string_view arch, Format in, Format out) {
  if (auto m = find_preset(arch, in, out)) return *m;
  return preset("ampere", in, out);
}

void declare_arch_recipe(std::string kernel,
                         std::function<Recipe(std::string_view arch)> recipe_of) {
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mu);
  s.dependents.push_back({std::move(kernel), std::move(recipe_of)});
}

}  // namespace numguard::kernels
