// The CUDA block-scaled GEMMs of the two Blackwell lines, declared once for their CUDA
// registrations and their twins (twin_scaled_gemm.cpp): name, op and the arithmetic of the
// instruction row each chains. RTX Blackwell (kernels_under_test/cuda/scaled_gemm_sm120.cu,
// mma.sync) and datacenter Blackwell (kernels_under_test/cuda/scaled_gemm_sm100.cu,
// tcgen05.mma).
#pragma once

#include <vector>

#include "kernels_under_test/cpu/scaled_gemm_kernel.h"

namespace numguard::kernels {

struct DeviceScaledGemm {
  const char* name;
  const char* op;
  ScaledGemmArithmetic arith;
};

// MXFP8 (kind::mxf8f6f4 m16n8k32), MXFP4 (kind::mxf4 m16n8k64), NVFP4 (kind::mxf4nvf4
// scale_vec::4X m16n8k64).
inline std::vector<DeviceScaledGemm> sm120_scaled_gemms() {
  ScaledGemmArithmetic mxfp8 = mx_operands(Format::e4m3), mxfp4 = mx_operands(Format::e2m1),
                       nvfp4 = nvfp4_operands();
  mxfp8.arch = mxfp4.arch = nvfp4.arch = "rtx_blackwell";
  // kind::mxf4 is kind::mxf4nvf4 at scale_vec::2X with UE8M0 scales (the PTX ISA gives both the
  // same operands; the table names that row). Without the name, e2m1 with E8M0 per 32 would
  // find kind::mxf8f6f4's row, the other instruction that reads fp4.
  mxfp4.instruction = "mma.m16n8k64.kind::mxf4nvf4.block32.f32.e2m1.e2m1.ue8m0";
  return {{"scaled_gemm.e4m3.mma-sm120a", "scaled_gemm", mxfp8},
          {"scaled_gemm.e2m1.mma-sm120a", "scaled_gemm", mxfp4},
          {"nvfp4_gemm.e2m1.mma-sm120a", "nvfp4_gemm", nvfp4}};
}

// The same three on tcgen05.mma (cta_group::1, M = N = 128): kind::mxf8f6f4 scale_vec::1X,
// kind::mxf4 scale_vec::2X and kind::mxf4nvf4 scale_vec::4X, the blackwell rows that the CPU
// kernels `*.tc-blackwell` chain too (mx_operands' default arch).
inline std::vector<DeviceScaledGemm> sm100_scaled_gemms() {
  return {{"scaled_gemm.e4m3.tcgen05-sm100a", "scaled_gemm", mx_operands(Format::e4m3)},
          {"scaled_gemm.e2m1.tcgen05-sm100a", "scaled_gemm", mx_operands(Format::e2m1)},
          {"nvfp4_gemm.e2m1.tcgen05-sm100a", "nvfp4_gemm", nvfp4_operands()}};
}

}  // namespace numguard::kernels
