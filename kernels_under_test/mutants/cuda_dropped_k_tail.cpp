// Mutant: the tensor-core GEMM (gemm.fp16.tc-mma) whose K loop runs over whole 32-wide K tiles
// only -- `for (k0 = 0; k0 + 32 <= K; k0 += 32)` -- so the last K mod 32 products are never
// accumulated. Real-world cause: a main loop written for K a multiple of the tile (what most
// benchmark shapes use) without the predicated residue tile (docs/REFERENCE.md, known bug
// mechanisms: dropped or double-counted tail tiles when K is not a multiple of the tile).
// Exactly right whenever K mod 32 == 0.
//
// Two registrations: the device kernel (mutant_kernels.cu), which declares the CORRECT twin
// (gemm.fp16.tc-mma.twin) as its twin, so a GPU run's device-versus-twin comparison catches
// it; and a CPU twin carrying the bug, which CI catches by the bound (and the block model) of
// the recipe it declares.
#include "kernels_under_test/cpu/twin_kernels.h"
#include "kernels_under_test/cuda/register_common.h"
#include "kernels_under_test/mutants/register_mutant.h"

namespace numguard::kernels {
namespace {

constexpr const char* kBug = "the last K mod 32 products are dropped (no residue K tile)";

const bool registered = [] {
  const std::string name = "mutant.gemm.fp16.tc-mma.dropped_k_tail";
  const std::string imitated = "gemm.fp16.tc-mma";
  const auto recipe_of = [](std::string_view arch) {
    return mma_gemm_recipe(arch, Format::fp16, Format::fp32);
  };

  KernelDesc device = cuda::cuda_kernel(
      name, "gemm", {},
      [](const Problem& p, Tensor& out) {
        cuda::require_inputs(p, Format::fp16, true);
        const cuda::Epilogue e = cuda::epilogue_of(p, Format::fp32);
        Tensor y(Format::fp32, {p.m, p.n});
        y.bits = cuda::mutant_gemm_mma_dropped_k_tail({p.m, p.n, p.k}, p.a.bits, p.b.bits,
                                                      cuda::c_in(p, Format::fp32, e), e);
        out = std::move(y);
      },
      imitated + ".twin");  // the correct twin: the device kernel must differ from it
  device = arch_dependent(std::move(device), recipe_for_arch(recipe_of));

  KernelDesc twin = arch_dependent(cpu_kernel(name + ".twin", "gemm", {}, {}), recipe_of,
                                   [](std::string_view arch, const Problem& p, Tensor& out) {
                                     run_mma_gemm_dropping_k_tail(arch, Format::fp16, p, out);
                                   });
  register_mutant_pair(std::move(device), std::move(twin), imitated, kBug, "k_tail_dropped=32");
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
