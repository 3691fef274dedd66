// Mutant: the tensor-core split-K GEMM (gemm.fp16.tc-mma.splitk4) with its workspace in fp16:
// each chunk's fp32 partial is stored as fp16 (__float2half_rn) and the reduction kernel sums
// the partials in fp16 (__hadd_rn), while the recipe promises fp32 partials summed in fp32.
// Real-world cause: the split-K workspace (or the reduction kernel's accumulator) allocated in
// the GEMM's element type instead of the accumulator type (docs/REFERENCE.md, known bug
// mechanisms: reducing split-K partials in the input format). Right whenever every partial and
// running sum is exact in fp16 (small integers); K = 1 still rounds its single partial.
//
// Two registrations: the device kernel (mutant_kernels.cu), whose twin is the CPU kernel below
// carrying the same bug (a GPU run checks device == twin bit for bit), and that CPU twin, which
// CI catches by the bound of the recipe it declares.
#include "kernels_under_test/cpu/twin_kernels.h"
#include "kernels_under_test/cuda/register_common.h"
#include "kernels_under_test/mutants/register_mutant.h"

namespace numguard::kernels {
namespace {

constexpr const char* kBug =
    "split-K partials stored in fp16 and reduced in fp16 while "
    "declaring fp32 partials reduced in fp32";

const bool registered = [] {
  const std::string name = "mutant.gemm.fp16.tc-mma.splitk4_fp16_reduce";
  const std::string imitated = "gemm.fp16.tc-mma.splitk4";
  const auto recipe_of = [](std::string_view arch) {
    return mma_splitk_recipe(arch, Format::fp16, 4);
  };

  KernelDesc device = cuda::cuda_kernel(
      name, "gemm", {},
      [](const Problem& p, Tensor& out) {
        cuda::require_inputs(p, Format::fp16, true);
        const cuda::Epilogue e = cuda::epilogue_of(p, Format::fp32);
        Tensor y(Format::fp32, {p.m, p.n});
        y.bits = cuda::mutant_gemm_mma_splitk_fp16_reduce(4, {p.m, p.n, p.k}, p.a.bits, p.b.bits,
                                                          cuda::c_in(p, Format::fp32, e), e);
        out = std::move(y);
      },
      name + ".twin");
  device = arch_dependent(std::move(device), recipe_for_arch(recipe_of));

  KernelDesc twin = arch_dependent(cpu_kernel(name + ".twin", "gemm", {}, {}), recipe_of,
                                   [](std::string_view arch, const Problem& p, Tensor& out) {
                                     run_mma_splitk(arch, 4, /*fp16_partials=*/true, p, out);
                                   });
  register_mutant_pair(std::move(device), std::move(twin), imitated, kBug, "split_k_reduce=fp16");
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
