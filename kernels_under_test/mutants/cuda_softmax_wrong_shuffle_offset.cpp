// Mutant: the warp-per-row two-pass softmax (softmax.fp16.fp32acc.warp32_twopass) whose sum of
// exponentials ends its butterfly with offsets 16, 8, 4, 2, 2 instead of 16, 8, 4, 2, 1 (the
// last __shfl_xor_sync offset copy-pasted from the line above). Lane 0 then holds twice the
// even lanes' sum: the odd lanes' exponentials never count, and every output is
// exp(x - max) / (2 * even-lane sum). The max's butterfly is correct, so no output exceeds a
// sane range on its own; a row of one element gives 0.5 instead of 1. Real-world cause:
// typos in hand-unrolled shuffle reductions, or offsets carried over from another width.
//
// Two registrations, as cuda_wrong_shuffle_offset.cpp: the device kernel (softmax.cu), whose
// twin is the CPU kernel below with the same butterfly (a GPU run checks them bit for bit),
// and that CPU twin, which CI catches by the bound of the correct kernel's recipe.
#include <string>
#include <utility>

#include "kernels_under_test/cpu/twin_kernels.h"
#include "kernels_under_test/cuda/register_common.h"
#include "kernels_under_test/cuda/register_softmax.h"
#include "kernels_under_test/mutants/register_mutant.h"

namespace numguard::kernels {
namespace {

constexpr const char* kBug =
    "softmax sum butterfly offsets 16, 8, 4, 2, 2 instead of 16, 8, 4, 2, 1 (odd lanes dropped, "
    "even lanes counted twice)";

const bool registered = [] {
  const std::string name = "mutant.softmax.fp16.fp32acc.warp32_twopass.wrong_shuffle_offset";
  const std::string imitated = "softmax.fp16.fp32acc.warp32_twopass";
  const Recipe recipe = cuda::warp_softmax_recipe(Format::fp16, cuda::SoftmaxKind::two_pass);

  KernelDesc device = cuda::cuda_kernel(
      name, "softmax", recipe,
      [](const Problem& p, Tensor& out) {
        cuda::require_inputs(p, Format::fp16, false);
        Tensor y(Format::fp16, {p.m, p.n});
        y.bits = cuda::mutant_softmax_warp_wrong_shuffle_offset(p.m, p.n, p.a.bits);
        out = std::move(y);
      },
      name + ".twin");

  SoftmaxAlgo typo = cuda::warp_softmax_algo(cuda::SoftmaxKind::two_pass);
  typo.repeated_last_offset = true;  // the bug
  KernelDesc twin =
      cpu_kernel(name + ".twin", "softmax", recipe, cuda::run_softmax_twin(Format::fp16, typo));
  register_mutant_pair(std::move(device), std::move(twin), imitated, kBug,
                       "butterfly_repeated_offset");
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
