// Device code of the CUDA mutants (each bug and its real-world mechanism is described with its
// registration in kernels_under_test/mutants/cuda_*.cpp). Each is the real kernel with one
// planted difference, passed as a template argument so the correct kernels carry none.
#include "kernels_under_test/cuda/mma_gemm.cuh"
#include "kernels_under_test/cuda/reductions.cuh"

namespace numguard::cuda {
namespace {

// The butterfly's last offset typed as 2 instead of 1.
struct TypoButterfly {
  static constexpr int kLevels = 5;
  __device__ static constexpr int offset(int level) { return level == 4 ? 2 : 16 >> level; }
};

}  // namespace

Bits mutant_gemm_mma_dropped_k_tail(GemmShape s, const Bits& a, const Bits& b, const Bits& c,
                                    const Epilogue& e) {
  return detail::run_mma<detail::Fp16Op, false, /*kDropTail=*/true>(s, a, b, c, e);
}

Bits mutant_gemm_mma_splitk_fp16_reduce(int splits, GemmShape s, const Bits& a, const Bits& b,
                                        const Bits& c, const Epilogue& e) {
  return detail::run_mma_splitk</*kHalfPartials=*/true>(splits, s, a, b, c, e);
}

Bits mutant_rows_warp_wrong_shuffle_offset(VecInput in, int64_t m, int64_t k, const Bits& a,
                                           const Bits& c, const Epilogue& e) {
  return in == VecInput::bf16 ? detail::run_rows_warp<true, false, TypoButterfly>(m, k, a, c, e)
                              : detail::run_rows_warp<false, false, TypoButterfly>(m, k, a, c, e);
}

}  // namespace numguard::cuda
