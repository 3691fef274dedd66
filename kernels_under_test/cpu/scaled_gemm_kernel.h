// Block-scaled GEMM over operands already in an MX element format with their E8M0 scales (op
// scaled_gemm): each output element one chain of Blackwell block-scaled MMA instructions
// (tc::mma_scaled_dot; kind::mxf8f6f4 for fp8 and fp6, kind::mxf4 for fp4). The switches are
// the planted bugs of the mutants, and explain's hypotheses about such kernels: scale-reading
// mistakes of the adapters that hand vendor kernels their tensors.
#pragma once

#include "harness/core/kernel.h"

namespace numguard::kernels {

struct ScaledGemmArithmetic {
  Format element = Format::e4m3;
  int scale_bias = 127;                   // E8M0 read as 2^(e - bias) (the format's bias is 127)
  bool b_scales_n_major = false;          // SB read as n x k/32 where it is k/32 x n
  bool short_block_shares_scale = false;  // a last block of k % 32 elements read with the
                                          // scale before it (floor(k / 32) scales counted)
};

// The model instruction that multiplies `element` operands with E8M0 scales per 32.
const char* scaled_instruction(Format element);

void run_scaled_gemm(const ScaledGemmArithmetic& arith, const Problem& p, Tensor& out);

// The recipe of a scaled_gemm kernel: the instruction's accumulation (fused blocks of L, F
// bits, RZ into fp32) over `element` inputs.
Recipe scaled_gemm_recipe(Format element);

}  // namespace numguard::kernels
