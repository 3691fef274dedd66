// Mutant: the warp-per-row sum (sum.fp16.fp32acc.warp) with a wrong butterfly offset: the
// hand-unrolled __shfl_xor_sync chain reads 16, 8, 4, 2, 2 instead of 16, 8, 4, 2, 1 (the last
// offset copy-pasted from the line above). After the first four levels lane 0 holds the sum of
// the even lanes; the repeated offset 2 adds that same value again, so the result is twice the
// even lanes' sum and the odd lanes never contribute. Real-world cause: typos in hand-unrolled
// shuffle reductions (and offsets carried over from another width, e.g. a 64-wide wavefront
// port); right only when the even and odd lanes' partial sums agree.
//
// Two registrations: the device kernel (mutant_kernels.cu), whose twin is the CPU kernel below
// carrying the same bug (a GPU run checks device == twin bit for bit), and that CPU twin, which
// CI catches by the bound of the recipe it declares.
#include "kernels_under_test/cpu/twin_kernels.h"
#include "kernels_under_test/cuda/register_common.h"
#include "kernels_under_test/mutants/register_mutant.h"

namespace numguard::kernels {
namespace {

constexpr const char* kBug = "warp butterfly offsets 16, 8, 4, 2, 2 instead of 16, 8, 4, 2, 1";

const bool registered = [] {
  const std::string name = "mutant.sum.fp16.fp32acc.warp.wrong_shuffle_offset";
  const std::string imitated = "sum.fp16.fp32acc.warp";
  const Recipe recipe = strided_recipe("sum", Format::fp16, 32);

  KernelDesc device = cuda::cuda_kernel(
      name, "sum", recipe,
      [](const Problem& p, Tensor& out) {
        cuda::require_inputs(p, Format::fp16, false);
        const cuda::Epilogue e = cuda::epilogue_of(p, Format::fp32);
        Problem rows = p;
        rows.n = 1;
        Tensor y(Format::fp32, {p.m, 1});
        y.bits = cuda::mutant_rows_warp_wrong_shuffle_offset(
            cuda::VecInput::fp16, p.m, p.k, p.a.bits, cuda::c_in(rows, Format::fp32, e), e);
        out = std::move(y);
      },
      name + ".twin");

  StridedButterfly typo = warp_butterfly(false);
  typo.offsets = {16, 8, 4, 2, 2};  // the bug
  KernelDesc twin = cpu_kernel(
      name + ".twin", "sum", recipe,
      [typo](const Problem& p, Tensor& out) { run_strided(typo, "sum", Format::fp16, p, out); });
  register_mutant_pair(std::move(device), std::move(twin), imitated, kBug,
                       "butterfly_repeated_offset");
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
