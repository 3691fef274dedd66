#include "kernels_under_test/cpu/twin_arch.h"

#include <utility>

namespace numguard::kernels {

tc::TcModel twin_tc_model(std::string_view arch, Format in, Format out) {
  if (auto m = tc::find_preset(arch, in, out)) return *m;
  return tc::preset("ampere", in, out);
}

KernelDesc arch_dependent(KernelDesc d, std::function<void(KernelDesc&, std::string_view)> bind) {
  bind(d, kDefaultTwinArch);
  d.for_arch = std::move(bind);
  return d;
}

std::function<void(KernelDesc&, std::string_view)> recipe_for_arch(
    std::function<Recipe(std::string_view arch)> recipe_of) {
  return [recipe_of = std::move(recipe_of)](KernelDesc& d, std::string_view arch) {
    d.recipe = recipe_of(arch);
  };
}

}  // namespace numguard::kernels
