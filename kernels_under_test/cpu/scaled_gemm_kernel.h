// Block-scaled GEMM over operands already in a block-scaled element format with their scales:
// op scaled_gemm (OCP MX: E8M0 per 32; kind::mxf8f6f4 for fp8 and fp6, kind::mxf4 for fp4)
// and op nvfp4_gemm (e2m1 with UE4M3 per 16, kind::mxf4nvf4, and the two fp32 tensor scales
// multiplied in the fp32 epilogue, as cuBLASLt's alpha). Each output element is one chain of
// Blackwell block-scaled MMA instructions (tc::mma_scaled_dot). The switches are the planted
// bugs of the mutants, and explain's hypotheses about such kernels: the ways the adapters that
// hand vendor kernels their tensors misread scales, layouts and packing.
#pragma once

#include <string_view>

#include "harness/core/kernel.h"
#include "references/tensor_core_model.h"

namespace numguard::kernels {

struct ScaledGemmArithmetic {
  Format element = Format::e4m3;
  Format scale = Format::e8m0;             // e8m0 (scaled_gemm) or ue4m3 (nvfp4_gemm)
  int block = 32;                          // elements per scale as the tensors hold them
  int scale_bias = 127;                    // E8M0 read as 2^(e - bias) (the format's bias is 127)
  bool b_scales_n_major = false;           // SB read as n x kb where it is kb x n
  bool short_block_shares_scale = false;   // a last block of k % block elements read with the
                                           // scale before it (floor(k / block) scales counted)
  int scale_block_read = 0;                // > 0: scale l read as if one served this many elements
  bool a_nibbles_swapped = false;          // A's packed fp4 pairs read high nibble first
  bool tensor_scale_inverted = false;      // the epilogue multiplies by 1 / (scale_a scale_b)
  bool tensor_scale_b_dropped = false;     // the epilogue multiplies by scale_a only
  bool scales_read_blocked = false;        // row-major SA and SB read in cuBLAS's blocked layout
                                           // (zero bytes past their end)
  bool a_scales_one_row_per_quad = false;  // rows 8..15 of each 16-row tile read the scales of
                                           // rows 0..7 (an mma.sync scale fragment filled as B's)
  bool scale_id_stuck = false;  // every tcgen05.mma of a 4-block scale column group reads its
                                // first byte(s) (the scale factor ID left at 0): block b takes
                                // block 4 floor(b / 4) + b % v's scale (v blocks per instruction)
  // The other reading of the unmeasured hardware rule (not a bug): a group of 16 zero products
  // aligned at its scales' exponents (tc::TcModel::zero_group_at_scales).
  bool zero_group_at_scales = false;
  // Whose instruction runs the blocks: "blackwell" (tcgen05.mma) or "rtx_blackwell" (mma.sync
  // kind::mxf8f6f4, mxf4, mxf4nvf4: the CUDA kernels of scaled_gemm_sm120.cu and their twins).
  std::string_view arch = "blackwell";
  // The instruction's row by name on `arch`; empty: the first row for these elements and scales.
  std::string_view instruction = {};
};

// The declared arithmetic of the two ops' kernels.
ScaledGemmArithmetic mx_operands(Format element);  // scaled_gemm: E8M0 per 32
ScaledGemmArithmetic nvfp4_operands();             // nvfp4_gemm: e2m1, UE4M3 per 16

// The model instruction that multiplies such operands (on a.arch).
const tc::Instruction& scaled_instruction_row(const ScaledGemmArithmetic& a);
// Its name on Blackwell (tcgen05.mma), the one mx_gemm shares.
const char* scaled_instruction(const ScaledGemmArithmetic& a);

// p.c and p.d hold the scales (m x kb and kb x n); nvfp4_gemm's p.scalars = {scale_a, scale_b}.
void run_scaled_gemm(const ScaledGemmArithmetic& arith, const Problem& p, Tensor& out);

// The recipe of such a kernel: the instruction's accumulation (fused blocks of L, F bits, RZ
// into fp32) over the element inputs.
Recipe scaled_gemm_recipe(const ScaledGemmArithmetic& a);

}  // namespace numguard::kernels
