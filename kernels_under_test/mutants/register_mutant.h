// Declaring a mutant: a kernel with a planted, documented numerical bug that declares the
// recipe of the correct kernel it imitates (docs/DESIGN.md vocabulary). The recipe is rebuilt here
// with the same helper the imitated kernel uses (static registrations of other files are not
// yet constructed when this one runs); tensor_core_model_test checks that the two agree.
#pragma once

#include <string>
#include <utility>

#include "kernels_under_test/cpu/reduction_kernel.h"

namespace numguard::kernels {

// `mechanism`: the planted bug as a tag of explain's hypothesis vocabulary (docs/EXPLAIN.md).
inline void register_mutant(std::string name, std::string op, std::string imitates, std::string bug,
                            std::string mechanism, Recipe declared, KernelFn run) {
  KernelDesc d = cpu_kernel(std::move(name), op, std::move(declared), std::move(run));
  d.mutant = true;
  d.imitates = std::move(imitates);
  d.bug = std::move(bug);
  d.mechanism = std::move(mechanism);
  register_kernel(std::move(d));
}

// A device mutant and its CPU twin: both marked as mutants of `imitated` (the twin of the
// imitated kernel's twin), named as each other's twin, and registered.
inline void register_mutant_pair(KernelDesc device, KernelDesc twin, const std::string& imitated,
                                 const std::string& bug, const std::string& mechanism) {
  device.mutant = twin.mutant = true;
  device.imitates = imitated;
  twin.imitates = imitated + ".twin";
  device.bug = twin.bug = bug;
  device.mechanism = twin.mechanism = mechanism;
  twin.twin_of = device.name;
  register_kernel(std::move(device));
  register_kernel(std::move(twin));
}

}  // namespace numguard::kernels
