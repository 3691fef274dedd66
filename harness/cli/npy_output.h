// A kernel's output tensor as a NumPy .npy file (format version 1.0), for `numguard check
// --case I --outputs FILE`: so a user can compare numguard's kernels (the bit-accurate
// models of a matrix unit, a reference kernel) with their own kernel's output on the same
// tensors, element for element.
//
// fp16, fp32 and fp64 tensors keep their bits ('<f2', '<f4', '<f8'); every narrower format
// (bf16, tf32, fp8, fp6, fp4) is written as '<f4', whose values hold each of them exactly
// (NumPy has no dtype for them); anything fp32 cannot hold exactly goes to '<f8'.
#pragma once

#include <string>

#include "harness/core/tensor.h"

namespace numguard::cli {

struct NpyBytes {
  std::string bytes;  // the whole file
  std::string descr;  // '<f4', ...
};

NpyBytes npy_bytes(const Tensor& t);

}  // namespace numguard::cli
