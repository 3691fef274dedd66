// Which tensor-core architecture the CPU twins of the CUDA kernels model. One process-wide
// setting: "hopper" by default, NUMGUARD_TC_ARCH=<arch> in the environment (read once, at first
// use), or set_twin_arch() -- on a machine with a GPU, from the device's compute capability
// (kernels_under_test/cuda/register_common.h: use_device_twin_arch()).
//
// A twin reads the setting each time it runs. Its declared recipe (block b, fraction bits f)
// is fixed at registration from the setting then in force, and set_twin_arch() re-declares the
// recipes of every kernel registered through declare_arch_recipe() (the mma twins, their CUDA
// kernels and the mutants imitating them), so a twin, its CUDA kernel and its recipe always
// agree. Call set_twin_arch() before kernels run, never concurrently with a check.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "harness/core/recipe.h"
#include "kernels_under_test/cpu/tensor_core_model.h"

namespace numguard::kernels {

// The architecture in force: one of tc_architectures().
std::string twin_arch();

// Selects the architecture; throws std::invalid_argument unless it is one of
// tc_architectures(). Re-declares the recipes of the kernels declared arch-dependent.
void set_twin_arch(std::string arch);

// The model a twin runs on `arch` for inputs `in` and accumulator `out`: the preset, or where
// the architecture has none for `in` (volta has no bf16 or tf32 tensor cores), ampere's --
// the first architecture whose mma.sync takes bf16 and tf32 (PTX ISA: m16n8k16 bf16 and
// m16n8k8 tf32 need sm_80).
TcModel twin_tc_model(std::string_view arch, Format in, Format out);

// Records that the recipe of `kernel` is recipe_of(twin architecture); set_twin_arch()
// re-declares it in kernel_table().
void declare_arch_recipe(std::string kernel,
                         std::function<Recipe(std::string_view arch)> recipe_of);

}  // namespace numguard::kernels
