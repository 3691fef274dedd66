// CUDA-core reductions (kernels and orders: reductions.cuh; twins:
// kernels_under_test/cpu/twin_reductions.cpp): the warp-shuffle row sum and sum of squares,
// and the FMA dot product, for fp16 and bf16 inputs.
#include "kernels_under_test/cuda/reductions.cuh"

namespace numguard::cuda {

Bits rows_warp(VecInput in, bool squares, int64_t m, int64_t k, const Bits& a, const Bits& c,
               const Epilogue& e) {
  using namespace detail;
  const bool bf16 = in == VecInput::bf16;
  if (bf16) {
    return squares ? run_rows_warp<true, true, WarpButterfly>(m, k, a, c, e)
                   : run_rows_warp<true, false, WarpButterfly>(m, k, a, c, e);
  }
  return squares ? run_rows_warp<false, true, WarpButterfly>(m, k, a, c, e)
                 : run_rows_warp<false, false, WarpButterfly>(m, k, a, c, e);
}

Bits dot_cuda_core(VecInput in, GemmShape s, const Bits& a, const Bits& b, const Bits& c,
                   const Epilogue& e) {
  return in == VecInput::bf16 ? detail::run_dot<true>(s, a, b, c, e)
                              : detail::run_dot<false>(s, a, b, c, e);
}

}  // namespace numguard::cuda
