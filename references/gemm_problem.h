// One GEMM instance, C_out = alpha * A * B + beta * C, shared by the MPFR reference and the
// exact fixed-point accumulator so that both read the same problem.
//
// Semantics (docs/references.md): the exact result of alpha * (A*B)_ij + beta * C_ij is
// rounded once. Following reference BLAS (xGEMM: "when alpha is zero then A and B need not be
// set"; "when beta is zero then C need not be set"), alpha == 0 drops the A*B term and
// beta == 0 drops the C term, so NaN or inf there is never read; when both are dropped the
// result is +0. Otherwise each product and each addition follows IEEE 754 with exact
// arithmetic: alpha * (exact dot), beta * C_ij, then their exact sum.
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>

#include "harness/core/format.h"

namespace numguard {

struct GemmProblem {
  Format in = Format::fp16;     // format of A and B
  int64_t m = 0, n = 0, k = 0;  // A is m x k, B is k x n, C is m x n; all row-major
  std::span<const uint64_t> a;  // m*k bit patterns
  std::span<const uint64_t> b;  // k*n bit patterns
  double alpha = 1.0;           // every fp32 value is a double, so fp32 scalars fit too
  double beta = 0.0;
  Format c_format = Format::fp32;  // format of C, read only when beta != 0
  std::span<const uint64_t> c;     // m*n bit patterns; may be empty when beta == 0
};

inline void validate(const GemmProblem& p) {
  if (p.m < 0 || p.n < 0 || p.k < 0) throw std::invalid_argument("gemm: negative dimension");
  if (p.a.size() != static_cast<size_t>(p.m * p.k))
    throw std::invalid_argument("gemm: A must hold m*k elements");
  if (p.b.size() != static_cast<size_t>(p.k * p.n))
    throw std::invalid_argument("gemm: B must hold k*n elements");
  if (p.beta != 0 && p.c.size() != static_cast<size_t>(p.m * p.n))
    throw std::invalid_argument("gemm: C must hold m*n elements when beta != 0");
}

}  // namespace numguard
