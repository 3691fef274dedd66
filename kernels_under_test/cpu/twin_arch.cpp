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

KernelDesc arch_dependent(
    KernelDesc d, std::function<Recipe(std::string_view arch)> recipe_of,
    std::function<void(std::string_view arch, const Problem& p, Tensor& out)> run) {
  return arch_dependent(std::move(d), [recipe_of = std::move(recipe_of), run = std::move(run)](
                                          KernelDesc& k, std::string_view arch) {
    k.recipe = recipe_of(arch);
    k.run = [run, arch = std::string(arch)](const Problem& p, Tensor& out) { run(arch, p, out); };
  });
}

std::function<void(KernelDesc&, std::string_view)> recipe_for_arch(
    std::function<Recipe(std::string_view arch)> recipe_of) {
  return [recipe_of = std::move(recipe_of)](KernelDesc& d, std::string_view arch) {
    d.recipe = recipe_of(arch);
  };
}

}  // namespace numguard::kernels
