// The tensor-core architecture the CPU twins of the CUDA kernels model. The architecture is an
// input of the run (the engine's registry chooses it once: NUMGUARD_TC_ARCH, then the device
// present, then hopper; harness/engine/registry.h): a kernel whose arithmetic depends on it is
// declared with KernelDesc::for_arch, which sets its recipe and run function for the chosen
// architecture when the registry is built, so a twin, its CUDA kernel and its recipe always
// agree and nothing a running kernel reads can change under it.
#pragma once

#include <functional>
#include <string_view>

#include "harness/core/kernel.h"
#include "references/tensor_core_model.h"

namespace numguard::kernels {

// The model a twin runs on `arch` for inputs `in` and accumulator `out`: the preset, or where
// the architecture has none for `in` (volta has no bf16 or tf32 tensor cores), ampere's --
// the first architecture whose mma.sync takes bf16 and tf32 (PTX ISA: m16n8k16 bf16 and
// m16n8k8 tf32 need sm_80).
tc::TcModel twin_tc_model(std::string_view arch, Format in, Format out);

// The architecture a kernel declared through for_arch carries until the registry binds it
// (the default of the rule): its recipe is then never empty, even in a bare declaration.
inline constexpr std::string_view kDefaultTwinArch = "hopper";

// `d` with d.for_arch = bind, and bound to kDefaultTwinArch.
KernelDesc arch_dependent(KernelDesc d, std::function<void(KernelDesc&, std::string_view)> bind);

// `d` whose recipe is recipe_of(arch) and whose run is run(arch, ...) for the bound arch.
KernelDesc arch_dependent(
    KernelDesc d, std::function<Recipe(std::string_view arch)> recipe_of,
    std::function<void(std::string_view arch, const Problem& p, Tensor& out)> run);

// A binder that sets only the recipe (a device kernel computes what the device computes; only
// what it declares follows the architecture).
std::function<void(KernelDesc&, std::string_view)> recipe_for_arch(
    std::function<Recipe(std::string_view arch)> recipe_of);

}  // namespace numguard::kernels
