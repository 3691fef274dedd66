// Used when the project is built without CUDA: the launchers exist, so the CUDA kernels stay
// registered (their recipes and twins are checked everywhere), and running one says why not.
#include <stdexcept>
#include <string>

#include "harness/device/device.h"
#include "kernels_under_test/cuda/cublas_provider.h"
#include "kernels_under_test/cuda/launch.h"

namespace numguard::cuda {
namespace {

[[noreturn]] void unavailable(const char* what) {
  throw std::runtime_error(std::string(what) + ": " + device::status().why_not);
}

}  // namespace

Bits gemm_mma(TcInput, TcAcc, GemmShape, const Bits&, const Bits&, const Bits&, const Epilogue&) {
  unavailable("gemm_mma");
}
Bits gemm_mma_splitk(int, GemmShape, const Bits&, const Bits&, const Bits&, const Epilogue&) {
  unavailable("gemm_mma_splitk");
}
Bits rows_warp(VecInput, bool, int64_t, int64_t, const Bits&, const Bits&, const Epilogue&) {
  unavailable("rows_warp");
}
Bits dot_cuda_core(VecInput, GemmShape, const Bits&, const Bits&, const Bits&, const Epilogue&) {
  unavailable("dot_cuda_core");
}
Bits mutant_gemm_mma_dropped_k_tail(GemmShape, const Bits&, const Bits&, const Bits&,
                                    const Epilogue&) {
  unavailable("mutant_gemm_mma_dropped_k_tail");
}
Bits mutant_gemm_mma_splitk_fp16_reduce(int, GemmShape, const Bits&, const Bits&, const Bits&,
                                        const Epilogue&) {
  unavailable("mutant_gemm_mma_splitk_fp16_reduce");
}
Bits mutant_rows_warp_wrong_shuffle_offset(VecInput, int64_t, int64_t, const Bits&, const Bits&,
                                           const Epilogue&) {
  unavailable("mutant_rows_warp_wrong_shuffle_offset");
}
Bits softmax_warp(RowInput, SoftmaxKind, int64_t, int64_t, const Bits&) {
  unavailable("softmax_warp");
}
Bits mutant_softmax_warp_wrong_shuffle_offset(int64_t, int64_t, const Bits&) {
  unavailable("mutant_softmax_warp_wrong_shuffle_offset");
}
Bits cublas_gemm(BlasType, BlasType, BlasCompute, GemmShape, const Bits&, const Bits&, const Bits&,
                 double, double) {
  unavailable("cublas_gemm");
}
Bits activation_bias(RowInput, ActKind, int64_t, int64_t, const Bits&, const Bits&, const Bits&) {
  unavailable("activation_bias");
}
Bits mutant_gelu_bias_after_activation(int64_t, int64_t, const Bits&, const Bits&) {
  unavailable("mutant_gelu_bias_after_activation");
}

Bits norm_warp(RowInput, NormKind, int64_t, int64_t, const Bits&, const Bits&, const Bits&, float) {
  unavailable("norm_warp");
}
Bits mutant_layernorm_warp_welford_equal_count(int64_t, int64_t, const Bits&, const Bits&,
                                               const Bits&, float) {
  unavailable("mutant_layernorm_warp_welford_equal_count");
}

}  // namespace numguard::cuda
