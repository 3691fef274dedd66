// Host launchers of the CUDA kernels under test. Plain C++ (no CUDA types), so the kernel
// registrations (register_*.cpp, compiled by the host compiler into numguard_kernels) and the
// tests call them without nvcc. Each launcher takes host bit buffers (the `bits` of Problem
// tensors, one element per uint64_t, row-major) and the shapes, allocates device memory,
// copies, launches, waits and returns the output bits (m x n, row-major, one element per
// uint64_t). Errors: std::invalid_argument for shapes that do not fit the buffers,
// std::runtime_error carrying the CUDA error string for anything the runtime reports (no
// device, no driver, launch failure). Built without CUDA, every launcher throws
// std::runtime_error("<launcher>: built without CUDA (...)") (launch_stub.cpp).
//
// The orders the kernels compute in are the twins' (kernels_under_test/cpu/twin_kernels.h) and
// are stated in docs/kernels.md, "CUDA kernels".
#pragma once

#include <cstdint>
#include <vector>

namespace numguard::cuda {

using Bits = std::vector<uint64_t>;

struct GemmShape {
  int64_t m = 0, n = 0, k = 0;
};

// The epilogue y = alpha*acc + beta*c of kernels_under_test/cpu/reduction_kernel.h, run on the
// device in the accumulation format with round-to-nearest-even (__fmul_rn / __fadd_rn,
// __hmul_rn / __hadd_rn: never contracted). The caller decides the cases from the double
// scalars and passes the scalars already rounded (RNE) into the accumulation format, as BLAS
// passes them in the compute type; c (m x n) is then read only when has_c and must hold bits
// of the accumulation format (RNE-rounded by the caller).
struct Epilogue {
  bool identity = true;          // alpha == 1 && beta == 0: y = acc, nothing else is read
  bool has_ab = true;            // alpha != 0
  bool has_c = false;            // beta != 0
  uint64_t alpha = 0, beta = 0;  // bits of RN(alpha), RN(beta) in the accumulation format
};

enum class TcInput : uint8_t { fp16, bf16, tf32 };  // tf32: fp32 containers
enum class TcAcc : uint8_t { fp32, fp16 };          // fp16: fp16 inputs only
enum class VecInput : uint8_t { fp16, bf16 };

// Tensor-core GEMM, mma.sync (m16n8k16 fp16 / bf16, m16n8k8 tf32), out = acc format.
// a: m x k, b: k x n, c: m x n (when epilogue.has_c).
Bits gemm_mma(TcInput in, TcAcc acc, GemmShape s, const Bits& a, const Bits& b, const Bits& c,
              const Epilogue& e);

// The same fp16 -> fp32 tensor-core GEMM with K in `splits` chunks (fp32 workspace, reduced
// in chunk order by a second kernel).
Bits gemm_mma_splitk(int splits, GemmShape s, const Bits& a, const Bits& b, const Bits& c,
                     const Epilogue& e);

// One warp per row: out (m x 1) = sum over k of a[i][k] (squares: of a[i][k]^2), fp32.
Bits rows_warp(VecInput in, bool squares, int64_t m, int64_t k, const Bits& a, const Bits& c,
               const Epilogue& e);

// CUDA-core FMA dot products, one 256-thread block per output element: out (m x n) with
// out[i][j] = sum over k of a[i][k] * b[k][j] (a dot product is m = n = 1), fp32.
Bits dot_cuda_core(VecInput in, GemmShape s, const Bits& a, const Bits& b, const Bits& c,
                   const Epilogue& e);

// Row softmax, one warp per row (softmax.cuh): a (m x n) of `in`, out (m x n) of `in`, each
// element RNE-rounded from fp32.
enum class RowInput : uint8_t { fp16, bf16, fp32 };  // fp32: 32-bit containers
enum class SoftmaxKind : uint8_t { two_pass, online, log_two_pass };
Bits softmax_warp(RowInput in, SoftmaxKind kind, int64_t m, int64_t n, const Bits& a);

// Mutants (kernels_under_test/mutants/cuda_*.cpp; each bug is described there).
Bits mutant_gemm_mma_dropped_k_tail(GemmShape s, const Bits& a, const Bits& b, const Bits& c,
                                    const Epilogue& e);  // fp16 -> fp32
Bits mutant_gemm_mma_splitk_fp16_reduce(int splits, GemmShape s, const Bits& a, const Bits& b,
                                        const Bits& c, const Epilogue& e);  // fp16 -> fp32
Bits mutant_rows_warp_wrong_shuffle_offset(VecInput in, int64_t m, int64_t k, const Bits& a,
                                           const Bits& c, const Epilogue& e);  // sum, fp32
Bits mutant_softmax_warp_wrong_shuffle_offset(int64_t m, int64_t n,
                                              const Bits& a);  // two-pass, fp16

// Row layernorm / rmsnorm forward, one warp per row (norms.cuh): a (m x n), gamma (n) and beta
// (n, layernorm; ignored for rmsnorm) of `in`, eps already rounded to fp32 as the CPU kernels
// round it; out (m x n) of `in`, each element RNE-rounded from fp32.
enum class NormKind : uint8_t { layernorm_two_pass, layernorm_welford, rmsnorm };
Bits norm_warp(RowInput in, NormKind kind, int64_t m, int64_t n, const Bits& a, const Bits& gamma,
               const Bits& beta, float eps);
Bits mutant_layernorm_warp_welford_equal_count(int64_t m, int64_t n, const Bits& a,
                                               const Bits& gamma, const Bits& beta,
                                               float eps);  // fp16

// Elementwise activations fused with a bias add, one thread per element, grid-stride
// (activation.cu): t = x + bias[column] in fp32 (t = x when bias is empty), then f(t), or
// dy * f'(t) for the backward kinds, with activation_math.h's formulas, RNE into `in`.
// x and dy (backward only) hold m*n elements, bias n or none; all of `in`.
enum class ActKind : uint8_t {
  gelu,
  gelu_tanh,
  silu,
  gelu_backward,
  gelu_tanh_backward,
  silu_backward
};
Bits activation_bias(RowInput in, ActKind kind, int64_t m, int64_t n, const Bits& x,
                     const Bits& bias, const Bits& dy);
// Mutant (kernels_under_test/mutants/cuda_gelu_bias_after_activation.cpp): fp16 gelu with the
// bias added after the activation, gelu(x) + bias.
Bits mutant_gelu_bias_after_activation(int64_t m, int64_t n, const Bits& x, const Bits& bias);

}  // namespace numguard::cuda
