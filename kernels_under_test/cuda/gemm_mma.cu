// Tensor-core GEMMs with mma.sync (kernel and order: mma_gemm.cuh; twins:
// kernels_under_test/cpu/twin_mma.cpp). Four instantiations of one kernel: fp16, bf16 and tf32
// with fp32 accumulation, fp16 with fp16 accumulation; split-K reuses the fp16 one.
#include "kernels_under_test/cuda/mma_gemm.cuh"

namespace numguard::cuda {

Bits gemm_mma(TcInput in, TcAcc acc, GemmShape s, const Bits& a, const Bits& b, const Bits& c,
              const Epilogue& e) {
  using namespace detail;
  if (acc == TcAcc::fp16) {
    require(in == TcInput::fp16, "gemm_mma: fp16 accumulation takes fp16 inputs only");
    return run_mma<Fp16Op, true, false>(s, a, b, c, e);
  }
  switch (in) {
    case TcInput::fp16:
      return run_mma<Fp16Op, false, false>(s, a, b, c, e);
    case TcInput::bf16:
      return run_mma<Bf16Op, false, false>(s, a, b, c, e);
    case TcInput::tf32:
      return run_mma<Tf32Op, false, false>(s, a, b, c, e);
  }
  throw std::invalid_argument("gemm_mma: unknown input format");
}

Bits gemm_mma_splitk(int splits, GemmShape s, const Bits& a, const Bits& b, const Bits& c,
                     const Epilogue& e) {
  return detail::run_mma_splitk<false>(splits, s, a, b, c, e);
}

}  // namespace numguard::cuda
