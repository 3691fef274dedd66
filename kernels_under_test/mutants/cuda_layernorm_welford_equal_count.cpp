// Mutant: the warp-per-row Welford layernorm (layernorm.fp16.fp32acc.warp32_welford) whose
// butterfly combine weights the two lanes' states as if both held the same count:
// mean = a.mean + delta / 2 and M2 = (a.M2 + b.M2) + delta^2 a.c / 2, where Chan et al.'s
// weights are b.c / (a.c + b.c) and a.c b.c / (a.c + b.c). Right when every lane folded the
// same number of elements (n a multiple of 32), wrong on a ragged tail: for n = 33 lane 0
// holds 2 elements against lane 16's 1, and the row's mean and variance come out shifted.
// Real-world cause: warp Welford reductions that hard-code the per-lane count as n / 32 (or
// take the "equal halves" shortcut of the pairwise variance formula), tested only on power
// of two hidden sizes.
//
// Two registrations, as cuda_softmax_wrong_shuffle_offset.cpp: the device kernel (norms.cu),
// whose twin is the CPU kernel below with the same combine (a GPU run checks them bit for
// bit), and that CPU twin, which CI catches by the bound of the correct kernel's recipe.
#include <string>
#include <utility>

#include "kernels_under_test/cpu/twin_kernels.h"
#include "kernels_under_test/cuda/register_common.h"
#include "kernels_under_test/cuda/register_norms.h"
#include "kernels_under_test/mutants/register_mutant.h"

namespace numguard::kernels {
namespace {

constexpr const char* kBug =
    "Welford butterfly combine weights both lanes as if they held equal counts (mean += delta / "
    "2): wrong mean and variance unless n is a multiple of 32";

const bool registered = [] {
  const std::string name = "mutant.layernorm.fp16.fp32acc.warp32_welford.equal_count_combine";
  const std::string imitated = "layernorm.fp16.fp32acc.warp32_welford";
  const Recipe recipe = cuda::warp_norm_recipe(Format::fp16, cuda::NormKind::layernorm_welford);

  KernelDesc device = cuda::cuda_kernel(
      name, "layernorm", recipe,
      [](const Problem& p, Tensor& out) {
        cuda::require_inputs(p, Format::fp16, true);
        Tensor y(Format::fp16, {p.m, p.n});
        y.bits = cuda::mutant_layernorm_warp_welford_equal_count(
            p.m, p.n, p.a.bits, p.b.bits, p.c.bits, static_cast<float>(p.scalars.at(0)));
        out = std::move(y);
      },
      name + ".twin");

  NormAlgo bug = cuda::warp_norm_algo(cuda::NormKind::layernorm_welford);
  bug.equal_count_combine = true;
  KernelDesc twin =
      cpu_kernel(name + ".twin", "layernorm", recipe, cuda::run_norm_twin(Format::fp16, bug));
  register_mutant_pair(std::move(device), std::move(twin), imitated, kBug,
                       "welford_equal_count_combine");
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
