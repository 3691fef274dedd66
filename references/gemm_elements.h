// The exact GEMM reference one output element at a time, with the operands prepared once: A's
// rows and B's columns decoded to floats with their exponent ranges (references/split_dot.h),
// so that every element (i, j) is one pass over two contiguous rows. This is what sampled
// verification needs (any subset of elements at the same cost per element) and what the whole
// reference reuses. Elements the split path declines (NaN or inf among the operands, an exact
// zero, very wide exponent spans, fp64 inputs) go through the integer window
// (references/exact_accumulator.h); both give the same exact value.
#pragma once

#include <cstdint>
#include <vector>

#include "harness/core/rounding.h"
#include "references/gemm_problem.h"
#include "references/split_dot.h"

namespace numguard {

class GemmElements {
 public:
  // Validates p (gemm_problem.h); p's spans must outlive this object.
  explicit GemmElements(const GemmProblem& p);

  struct Element {
    Unpacked exact;           // alpha (A B)_ij + beta C_ij exactly (gemm_problem.h semantics)
    double abs_products = 0;  // sum of |a_il b_lj| over the finite terms, rounded to nearest
                              // in some order: within (k - 1) 2^-53 relative of exact
    double max_product = 0;   // the largest finite |a_il b_lj|
    bool nonfinite = false;   // a NaN or inf among row i of A and column j of B
  };
  // `stats` fills abs_products, max_product and nonfinite; exact is always filled.
  Element at(int64_t i, int64_t j, Rounding mode = Rounding::rne, bool stats = true) const;

 private:
  Element by_window(int64_t i, int64_t j, Rounding mode, bool stats) const;
  // alpha * dot + beta * c_ij, exactly, with BLAS's reading of alpha = 0 and beta = 0.
  Unpacked epilogue(const ExactReal& dot, int64_t i, int64_t j, Rounding mode) const;

  GemmProblem p_;
  bool split_ = false;     // the split path applies (inputs other than fp64)
  std::vector<float> a_;   // m x k
  std::vector<float> bt_;  // n x k: B's columns
  std::vector<split_dot::Operand> rows_, cols_;
};

}  // namespace numguard
