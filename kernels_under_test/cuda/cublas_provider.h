// GEMM through cuBLAS (cublasGemmEx), as a vendor-library provider: numguard has no twin for
// it and checks it by its declared recipe's bound alone (register_cublas.cpp). Plain C++ (no
// CUDA types), same conventions as launch.h: host bit buffers in, output bits out,
// std::runtime_error with the cuBLAS / CUDA error string on failure, and a stub that throws
// "built without CUDA" when nvcc was not found.
#pragma once

#include <cstdint>

#include "kernels_under_test/cuda/launch.h"

namespace numguard::cuda {

enum class BlasType : uint8_t { fp16, bf16, fp32 };

// cublasComputeType_t values numguard registers kernels for.
enum class BlasCompute : uint8_t {
  c32f,            // CUBLAS_COMPUTE_32F
  c16f,            // CUBLAS_COMPUTE_16F
  c32f_fast_tf32,  // CUBLAS_COMPUTE_32F_FAST_TF32
  c32f_fast_16f,   // CUBLAS_COMPUTE_32F_FAST_16F
  c32f_fast_16bf,  // CUBLAS_COMPUTE_32F_FAST_16BF
};

// out (m x n, type `out`) = alpha * a (m x k) * b (k x n) + beta * c (m x n, type `out`, read
// only when beta != 0), row-major, computed as the column-major product out^T = b^T a^T.
// alpha and beta are passed in the scale type of the compute type (fp32, or fp16 for
// CUBLAS_COMPUTE_16F), rounded to nearest from the doubles.
Bits cublas_gemm(BlasType in, BlasType out, BlasCompute compute, GemmShape s, const Bits& a,
                 const Bits& b, const Bits& c, double alpha, double beta);

}  // namespace numguard::cuda
