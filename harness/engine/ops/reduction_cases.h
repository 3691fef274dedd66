// The cases of the reduction family (dot, sum, sumsq, gemm): out (m x n) = alpha * a (m x k)
// * b (k x n) + beta * c, or the sums (of squares) of a's rows. Shapes and values depend only
// on the rng, the form of the op and the kernel's recipe (tile sizes, accumulator precision),
// never on the kernel's code.
#pragma once

#include <string_view>

#include "harness/core/kernel.h"
#include "harness/engine/random.h"

namespace numguard::ops {

// How a member of the family is shaped.
struct ReductionForm {
  bool has_b = true;      // products a_i b_i (dot, gemm); without b: sums of a (sum, sumsq)
  bool quadratic = true;  // terms grow as x^2 (dot, gemm, sumsq), not as x (sum)
  bool gemm = false;      // m, n up to 6 and a quarter of the cases with an epilogue
};

// One case of the named generator (generators.h) for kernel kd.
Problem reduction_case(const ReductionForm& f, const KernelDesc& kd, Rng& r,
                       std::string_view generator);

// A GenDot problem (Ogita, Rump, Oishi 2005) of length n at target condition `cond` in format
// `in` (a sum with y = 1 without b, else a dot: m = n = 1, k = n). At a fixed exponent spread
// the achieved condition grows about linearly with n, so the spread is corrected from the
// measured condition between attempts (at most 8); the attempt closest to the target is
// returned and *achieved (if given) receives its exact condition.
Problem gendot_problem(Format in, bool has_b, Rng& r, int64_t n, double cond,
                       double* achieved = nullptr);

}  // namespace numguard::ops
