// Block-scaled GEMM (op mx_gemm) on the matrix-unit model: A's rows and B's columns quantized
// along K into an MX or NVFP4 format (references/mx_block.h), then each output element one
// chain of Blackwell block-scaled MMA instructions (tc::mma_scaled_dot); NVFP4's two tensor
// scales multiply the result afterwards in fp32 (their product first, RNE). The switches are
// the planted bugs of the mutants, and explain's hypotheses about such kernels.
#pragma once

#include "harness/core/kernel.h"
#include "references/mx_block.h"

namespace numguard::kernels {

struct MxGemmArithmetic {
  BlockScaling scaling;
  bool saturate = true;               // false: elements beyond the format overflow (NaN or inf)
  bool scale_after_rounding = false;  // elements rounded to the format before the division by
                                      // their block scale, the quotient rounded again
  // The other reading of the unmeasured hardware rule (not a bug): a group of 16 zero products
  // aligned at its scales' exponents (tc::TcModel::zero_group_at_scales).
  bool zero_group_at_scales = false;
};

// The model instruction that multiplies a block format's elements (tc::find_instruction).
const char* mx_instruction(const mx::BlockFormat& f);

void run_mx_gemm(const MxGemmArithmetic& arith, const Problem& p, Tensor& out);

// The recipe of an mx_gemm kernel: inputs `in`, the block format and scale rule, and the
// block-scaled instruction's accumulation (fused blocks of L, F bits, RZ into fp32).
Recipe mx_gemm_recipe(Format in, const mx::BlockFormat& f, bool scale_up);

}  // namespace numguard::kernels
