#include "references/tensor_core_model.h"

#include <algorithm>
#include <array>
#include <bit>
#include <climits>
#include <cmath>
#include <deque>
#include <stdexcept>
#include <string>
#include <vector>

#include "references/mpfr_value.h"

namespace numguard::tc {
namespace {

constexpr std::array<std::string_view, 10> kArchitectures = {
    "volta",     "turing",        "ampere", "ada",   "hopper",
    "blackwell", "rtx_blackwell", "cdna1",  "cdna2", "cdna3"};

constexpr Rounding rz = Rounding::rz, rne = Rounding::rne;

// NVIDIA's fused datapath: operand-exponent alignment, truncation to F bits, zeros aligned at
// e_zero, an exact zero +0 (MMA-Sim, Khattak & Mikaitis; docs/REFERENCE.md).
constexpr TcModel nv(int block, int frac, Rounding out, int e_zero, int out_frac = 0) {
  return {.block = block,
          .frac_bits = frac,
          .final_rounding = out,
          .operand_exponents = true,
          .zero_exponent = e_zero,
          .out_frac_bits = out_frac};
}
constexpr TcModel scaled(int block, int frac, int e_zero, int scale_block, Format scale,
                         int group = 0) {
  return {.block = block,
          .frac_bits = frac,
          .final_rounding = Rounding::rz,
          .operand_exponents = true,
          .path = group ? Datapath::group_scaled : Datapath::scaled,
          .zero_exponent = e_zero,
          .scale_block = scale_block,
          .group = group,
          .scale = scale};
}
constexpr TcModel fma_chain() {
  return {.block = 1, .final_rounding = rne, .path = Datapath::fma_chain};
}
// AMD rows return the default quiet NaN (0x7fc00000), as MMA-Sim's AMD code does (its NVIDIA
// code returns CUDA's canonical 0x7fffffff); not measured here.
constexpr TcModel amd(Datapath path, int block, int frac = 0) {
  return {.block = block,
          .frac_bits = frac,
          .final_rounding = rne,
          .operand_exponents = true,
          .path = path,
          .nan = NanResult::quiet};
}
constexpr TcModel amd_fma_chain() {
  TcModel m = fma_chain();
  m.nan = NanResult::quiet;
  return m;
}

constexpr Format f16 = Format::fp16, b16 = Format::bf16, t32 = Format::tf32, f32 = Format::fp32,
                 f64 = Format::fp64, e4 = Format::e4m3, e5 = Format::e5m2, e4f = Format::e4m3fnuz,
                 e5f = Format::e5m2fnuz;

constexpr std::string_view kMmaSim = "MMA-Sim (Xie et al. 2025), sim.py F/L/rounding; e_zero";
constexpr std::string_view kKhattak = "Khattak & Mikaitis 2025; MMA-Sim";
constexpr std::string_view kH100 = "measured on an H100 (docs/GPU_RESULTS.md); MMA-Sim";

// One row per instruction and pairing; an architecture's first row for a pairing is its
// default (find_preset). Ampere and Ada run m16n8k16 as two chained blocks of 8 (L = 8), tf32
// m16n8k8 as two of 4, Ada fp8 m16n8k32 as two of 16.
constexpr Instruction kInstructions[] = {
    {"volta", "mma.m8n8k4.f32.f16.f16.f32", f16, f16, f32, nv(4, 23, rz, -131), kKhattak},
    {"volta", "mma.m8n8k4.f16.f16.f16.f16", f16, f16, f16, nv(4, 23, rne, -20), kKhattak},
    {"turing", "mma.m16n8k8.f32.f16.f16.f32", f16, f16, f32, nv(8, 24, rz, -132), kMmaSim},
    // e_zero -20: MMA-Sim's probe on a Turing GPU (its sim.py table says -21).
    {"turing", "mma.m16n8k8.f16.f16.f16.f16", f16, f16, f16, nv(8, 24, rne, -20), kMmaSim},
    {"ampere", "mma.m16n8k16.f32.f16.f16.f32", f16, f16, f32, nv(8, 24, rz, -132), kKhattak},
    {"ampere", "mma.m16n8k16.f16.f16.f16.f16", f16, f16, f16, nv(8, 24, rne, -21), kKhattak},
    {"ampere", "mma.m16n8k16.f32.bf16.bf16.f32", b16, b16, f32, nv(8, 24, rz, -132), kKhattak},
    {"ampere", "mma.m16n8k8.f32.tf32.tf32.f32", t32, t32, f32, nv(4, 24, rz, -132), kKhattak},
    {"ampere", "mma.m8n8k4.f64.f64.f64.f64", f64, f64, f64, fma_chain(), kMmaSim},
    {"ada", "mma.m16n8k16.f32.f16.f16.f32", f16, f16, f32, nv(8, 24, rz, -132), kKhattak},
    {"ada", "mma.m16n8k16.f16.f16.f16.f16", f16, f16, f16, nv(8, 24, rne, -21), kKhattak},
    {"ada", "mma.m16n8k16.f32.bf16.bf16.f32", b16, b16, f32, nv(8, 24, rz, -132), kKhattak},
    {"ada", "mma.m16n8k8.f32.tf32.tf32.f32", t32, t32, f32, nv(4, 24, rz, -132), kKhattak},
    {"ada", "mma.m16n8k32.f32.e4m3.e4m3.f32", e4, e4, f32, nv(16, 13, rz, -132, 13), kKhattak},
    {"ada", "mma.m16n8k32.f32.e5m2.e5m2.f32", e5, e5, f32, nv(16, 13, rz, -132, 13), kKhattak},
    {"ada", "mma.m16n8k32.f32.e4m3.e5m2.f32", e4, e5, f32, nv(16, 13, rz, -132, 13), kMmaSim},
    {"ada", "mma.m16n8k32.f32.e5m2.e4m3.f32", e5, e4, f32, nv(16, 13, rz, -132, 13), kMmaSim},
    {"ada", "mma.m16n8k32.f16.e4m3.e4m3.f16", e4, e4, f16, nv(16, 13, rne, -21), kMmaSim},
    {"ada", "mma.m16n8k32.f16.e5m2.e5m2.f16", e5, e5, f16, nv(16, 13, rne, -21), kMmaSim},
    {"hopper", "mma.m16n8k16.f32.f16.f16.f32", f16, f16, f32, nv(16, 25, rz, -133), kH100},
    {"hopper", "mma.m16n8k16.f16.f16.f16.f16", f16, f16, f16, nv(16, 25, rne, -22), kH100},
    {"hopper", "mma.m16n8k16.f32.bf16.bf16.f32", b16, b16, f32, nv(16, 25, rz, -133), kH100},
    {"hopper", "mma.m16n8k8.f32.tf32.tf32.f32", t32, t32, f32, nv(8, 25, rz, -133), kH100},
    {"hopper", "wgmma.m64nNk16.f32.f16.f16", f16, f16, f32, nv(16, 25, rz, -133), kMmaSim},
    {"hopper", "wgmma.m64nNk16.f16.f16.f16", f16, f16, f16, nv(16, 25, rne, -133), kMmaSim},
    {"hopper", "wgmma.m64nNk32.f32.e4m3.e4m3", e4, e4, f32, nv(32, 13, rz, -133, 13), kKhattak},
    {"hopper", "wgmma.m64nNk32.f32.e5m2.e5m2", e5, e5, f32, nv(32, 13, rz, -133, 13), kKhattak},
    {"hopper", "wgmma.m64nNk32.f32.e4m3.e5m2", e4, e5, f32, nv(32, 13, rz, -133, 13), kMmaSim},
    {"hopper", "wgmma.m64nNk32.f32.e5m2.e4m3", e5, e4, f32, nv(32, 13, rz, -133, 13), kMmaSim},
    {"hopper", "wgmma.m64nNk32.f16.e4m3.e4m3", e4, e4, f16, nv(32, 13, rne, -133), kMmaSim},
    {"hopper", "wgmma.m64nNk32.f16.e5m2.e5m2", e5, e5, f16, nv(32, 13, rne, -133), kMmaSim},
    {"hopper", "mma.m16n8k16.f64.f64.f64.f64", f64, f64, f64, fma_chain(), kMmaSim},
    {"blackwell", "tcgen05.mma.kind::f16.f32.f16", f16, f16, f32, nv(16, 25, rz, -133), kMmaSim},
    {"blackwell", "tcgen05.mma.kind::f16.f16.f16", f16, f16, f16, nv(16, 25, rne, -133), kMmaSim},
    {"blackwell", "tcgen05.mma.kind::f16.f32.bf16", b16, b16, f32, nv(16, 25, rz, -133), kMmaSim},
    {"blackwell", "tcgen05.mma.kind::tf32.f32", t32, t32, f32, nv(8, 25, rz, -133), kMmaSim},
    {"blackwell", "tcgen05.mma.kind::f8f6f4.f32.e4m3.e4m3", e4, e4, f32, nv(32, 25, rz, -133),
     kMmaSim},
    {"blackwell", "tcgen05.mma.kind::f8f6f4.f32.e5m2.e5m2", e5, e5, f32, nv(32, 25, rz, -133),
     kMmaSim},
    {"blackwell", "tcgen05.mma.kind::f8f6f4.f32.e4m3.e5m2", e4, e5, f32, nv(32, 25, rz, -133),
     kMmaSim},
    {"blackwell", "tcgen05.mma.kind::f8f6f4.f32.e5m2.e4m3", e5, e4, f32, nv(32, 25, rz, -133),
     kMmaSim},
    {"blackwell", "tcgen05.mma.kind::f8f6f4.f16.e4m3.e4m3", e4, e4, f16, nv(32, 25, rne, -133),
     kMmaSim},
    // fp4 and fp6 through kind::f8f6f4: the fp8 datapath (MMA-Sim lists e2m1; fp6 not
    // validated by any published model).
    {"blackwell", "tcgen05.mma.kind::f8f6f4.f32.e2m1.e2m1", Format::e2m1, Format::e2m1, f32,
     nv(32, 25, rz, -133), kMmaSim},
    {"blackwell", "tcgen05.mma.kind::f8f6f4.f32.e3m2.e3m2", Format::e3m2, Format::e3m2, f32,
     nv(32, 25, rz, -133), "assumed: the f8f6f4 datapath (not validated)"},
    {"blackwell", "tcgen05.mma.kind::f8f6f4.f32.e2m3.e2m3", Format::e2m3, Format::e2m3, f32,
     nv(32, 25, rz, -133), "assumed: the f8f6f4 datapath (not validated)"},
    // Block-scaled (MMA-Sim's ST-FDPA and GST-FDPA): MXFP8 / MXFP6 / MXFP4 elements with UE8M0
    // scales per 32, and kind::mxf4nvf4: fp4 with UE8M0 per 32 (MXFP4) or UE4M3 per 16 (NVFP4).
    {"blackwell", "tcgen05.mma.kind::mxf8f6f4.block32.f32.e4m3.e4m3", e4, e4, f32,
     scaled(32, 25, -133, 32, Format::e8m0), kMmaSim},
    {"blackwell", "tcgen05.mma.kind::mxf8f6f4.block32.f32.e5m2.e5m2", e5, e5, f32,
     scaled(32, 25, -133, 32, Format::e8m0), kMmaSim},
    {"blackwell", "tcgen05.mma.kind::mxf8f6f4.block32.f32.e2m1.e2m1", Format::e2m1, Format::e2m1,
     f32, scaled(32, 25, -133, 32, Format::e8m0), kMmaSim},
    // MXFP6 through kind::mxf8f6f4: the same datapath as its fp8 and fp4 elements (assumed,
    // as for kind::f8f6f4's fp6 rows; MMA-Sim lists no fp6).
    {"blackwell", "tcgen05.mma.kind::mxf8f6f4.block32.f32.e3m2.e3m2", Format::e3m2, Format::e3m2,
     f32, scaled(32, 25, -133, 32, Format::e8m0), "assumed: the mxf8f6f4 datapath (not validated)"},
    {"blackwell", "tcgen05.mma.kind::mxf8f6f4.block32.f32.e2m3.e2m3", Format::e2m3, Format::e2m3,
     f32, scaled(32, 25, -133, 32, Format::e8m0), "assumed: the mxf8f6f4 datapath (not validated)"},
    {"blackwell", "tcgen05.mma.kind::mxf4.block32.f32.e2m1.e2m1", Format::e2m1, Format::e2m1, f32,
     scaled(64, 35, -139, 32, Format::e8m0, 16), kMmaSim},
    {"blackwell", "tcgen05.mma.kind::mxf4nvf4.block16.f32.e2m1.e2m1.ue4m3", Format::e2m1,
     Format::e2m1, f32, scaled(64, 35, -139, 16, Format::ue4m3, 16), kMmaSim},
    {"blackwell", "tcgen05.mma.kind::mxf4nvf4.block16.f32.e2m1.e2m1.ue8m0", Format::e2m1,
     Format::e2m1, f32, scaled(64, 35, -139, 16, Format::e8m0, 16), kMmaSim},
    {"blackwell", "mma.m16n8k16.f64.f64.f64.f64", f64, f64, f64, fma_chain(), kMmaSim},
    {"rtx_blackwell", "mma.m16n8k16.f32.f16.f16.f32", f16, f16, f32, nv(16, 25, rz, -133), kMmaSim},
    {"rtx_blackwell", "mma.m16n8k16.f16.f16.f16.f16", f16, f16, f16, nv(16, 25, rne, -22), kMmaSim},
    {"rtx_blackwell", "mma.m16n8k16.f32.bf16.bf16.f32", b16, b16, f32, nv(16, 25, rz, -133),
     kMmaSim},
    {"rtx_blackwell", "mma.m16n8k8.f32.tf32.tf32.f32", t32, t32, f32, nv(8, 25, rz, -133), kMmaSim},
    {"rtx_blackwell", "mma.m16n8k32.kind::f8f6f4.f32.e4m3.e4m3.f32", e4, e4, f32,
     nv(32, 25, rz, -133), kMmaSim},
    {"rtx_blackwell", "mma.m16n8k32.kind::f8f6f4.f32.e5m2.e5m2.f32", e5, e5, f32,
     nv(32, 25, rz, -133), kMmaSim},
    {"rtx_blackwell", "mma.m16n8k32.kind::f8f6f4.f32.e2m1.e2m1.f32", Format::e2m1, Format::e2m1,
     f32, nv(32, 25, rz, -133), kMmaSim},
    {"rtx_blackwell", "mma.m16n8k32.kind::f8f6f4.f32.e5m2.e4m3.f32", e5, e4, f32,
     nv(32, 25, rz, -133), kMmaSim},
    {"rtx_blackwell", "mma.m16n8k32.kind::f8f6f4.f32.e5m2.e2m1.f32", e5, Format::e2m1, f32,
     nv(32, 25, rz, -133), kMmaSim},
    {"rtx_blackwell", "mma.m16n8k32.kind::f8f6f4.f32.e4m3.e5m2.f32", e4, e5, f32,
     nv(32, 25, rz, -133), kMmaSim},
    {"rtx_blackwell", "mma.m16n8k32.kind::f8f6f4.f32.e4m3.e2m1.f32", e4, Format::e2m1, f32,
     nv(32, 25, rz, -133), kMmaSim},
    {"rtx_blackwell", "mma.m16n8k32.kind::f8f6f4.f32.e2m1.e5m2.f32", Format::e2m1, e5, f32,
     nv(32, 25, rz, -133), kMmaSim},
    {"rtx_blackwell", "mma.m16n8k32.kind::f8f6f4.f32.e2m1.e4m3.f32", Format::e2m1, e4, f32,
     nv(32, 25, rz, -133), kMmaSim},
    {"rtx_blackwell", "mma.m16n8k32.kind::mxf8f6f4.block32.f32.e4m3.e4m3.f32", e4, e4, f32,
     scaled(32, 25, -133, 32, Format::e8m0), kMmaSim},
    {"rtx_blackwell", "mma.m16n8k32.kind::mxf8f6f4.block32.f32.e5m2.e5m2.f32", e5, e5, f32,
     scaled(32, 25, -133, 32, Format::e8m0), kMmaSim},
    {"rtx_blackwell", "mma.m16n8k32.kind::mxf8f6f4.block32.f32.e5m2.e4m3.f32", e5, e4, f32,
     scaled(32, 25, -133, 32, Format::e8m0), kMmaSim},
    {"rtx_blackwell", "mma.m16n8k32.kind::mxf8f6f4.block32.f32.e5m2.e2m1.f32", e5, Format::e2m1,
     f32, scaled(32, 25, -133, 32, Format::e8m0), kMmaSim},
    {"rtx_blackwell", "mma.m16n8k32.kind::mxf8f6f4.block32.f32.e4m3.e5m2.f32", e4, e5, f32,
     scaled(32, 25, -133, 32, Format::e8m0), kMmaSim},
    {"rtx_blackwell", "mma.m16n8k32.kind::mxf8f6f4.block32.f32.e4m3.e2m1.f32", e4, Format::e2m1,
     f32, scaled(32, 25, -133, 32, Format::e8m0), kMmaSim},
    {"rtx_blackwell", "mma.m16n8k32.kind::mxf8f6f4.block32.f32.e2m1.e5m2.f32", Format::e2m1, e5,
     f32, scaled(32, 25, -133, 32, Format::e8m0), kMmaSim},
    {"rtx_blackwell", "mma.m16n8k32.kind::mxf8f6f4.block32.f32.e2m1.e4m3.f32", Format::e2m1, e4,
     f32, scaled(32, 25, -133, 32, Format::e8m0), kMmaSim},
    {"rtx_blackwell", "mma.m16n8k32.kind::mxf8f6f4.block32.f32.e2m1.e2m1.f32", Format::e2m1,
     Format::e2m1, f32, scaled(32, 25, -133, 32, Format::e8m0), kMmaSim},
    {"rtx_blackwell", "mma.m16n8k64.kind::mxf4nvf4.block32.f32.e2m1.e2m1.ue8m0", Format::e2m1,
     Format::e2m1, f32, scaled(64, 35, -139, 32, Format::e8m0, 16), kMmaSim},
    {"rtx_blackwell", "mma.m16n8k64.kind::mxf4nvf4.block16.f32.e2m1.e2m1.ue8m0", Format::e2m1,
     Format::e2m1, f32, scaled(64, 35, -139, 16, Format::e8m0, 16), kMmaSim},
    {"rtx_blackwell", "mma.m16n8k64.kind::mxf4nvf4.block32.f32.e2m1.e2m1.ue4m3", Format::e2m1,
     Format::e2m1, f32, scaled(64, 35, -139, 32, Format::ue4m3, 16), kMmaSim},
    {"rtx_blackwell", "mma.m16n8k64.kind::mxf4nvf4.block16.f32.e2m1.e2m1.ue4m3", Format::e2m1,
     Format::e2m1, f32, scaled(64, 35, -139, 16, Format::ue4m3, 16), kMmaSim},
    {"cdna1", "mfma_f32_32x32x8f16", f16, f16, f32, amd(Datapath::exact, 4), kMmaSim},
    {"cdna1", "mfma_f32_32x32x4bf16", b16, b16, f32, amd(Datapath::exact, 2), kMmaSim},
    {"cdna1", "mfma_f32_32x32x2f32", f32, f32, f32, amd_fma_chain(), kMmaSim},
    {"cdna2", "mfma_f32_32x32x8f16", f16, f16, f32, amd(Datapath::ftz_pairs, 4), kMmaSim},
    {"cdna2", "mfma_f32_32x32x8bf16_1k", b16, b16, f32, amd(Datapath::ftz_pairs, 4), kMmaSim},
    {"cdna2", "mfma_f32_32x32x4bf16", b16, b16, f32, amd(Datapath::ftz_pairs, 2), kMmaSim},
    {"cdna2", "mfma_f32_32x32x2f32", f32, f32, f32, amd_fma_chain(), kMmaSim},
    {"cdna2", "mfma_f64_16x16x4f64", f64, f64, f64, amd_fma_chain(), kMmaSim},
    {"cdna3", "mfma_f32_32x32x8_f16", f16, f16, f32, amd(Datapath::c_after, 8, 24), kMmaSim},
    {"cdna3", "mfma_f32_32x32x8_bf16", b16, b16, f32, amd(Datapath::c_after, 8, 24), kMmaSim},
    {"cdna3", "mfma_f32_16x16x8_xf32", t32, t32, f32, amd(Datapath::c_after, 4, 24), kMmaSim},
    // fp8 ("fp8" = e4m3fnuz, "bf8" = e5m2fnuz): the products in two interleaved halves.
    {"cdna3", "mfma_f32_32x32x16_fp8_fp8", e4f, e4f, f32, amd(Datapath::c_after_halves, 16, 24),
     kMmaSim},
    {"cdna3", "mfma_f32_32x32x16_bf8_bf8", e5f, e5f, f32, amd(Datapath::c_after_halves, 16, 24),
     kMmaSim},
    {"cdna3", "mfma_f32_32x32x16_fp8_bf8", e4f, e5f, f32, amd(Datapath::c_after_halves, 16, 24),
     kMmaSim},
    {"cdna3", "mfma_f32_32x32x16_bf8_fp8", e5f, e4f, f32, amd(Datapath::c_after_halves, 16, 24),
     kMmaSim},
    {"cdna3", "mfma_f32_32x32x2_f32", f32, f32, f32, amd_fma_chain(), kMmaSim},
    {"cdna3", "mfma_f64_16x16x4_f64", f64, f64, f64, amd_fma_chain(), kMmaSim},
};

// The operand emins of a row's formats filled in.
TcModel bound_model(const Instruction& i) {
  TcModel m = i.model;
  m.operand_emin = operand_emin(i.a);
  m.operand_emin_b = operand_emin(i.b);
  return m;
}

// IEEE-like special values of one block; nullopt when every term is finite.
std::optional<double> special_result(std::span<const double> a, std::span<const double> b,
                                     double c) {
  bool nan = std::isnan(c), pos_inf = c == INFINITY, neg_inf = c == -INFINITY;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(a[i]) || std::isnan(b[i])) {
      nan = true;
    } else if (std::isinf(a[i]) || std::isinf(b[i])) {
      if (a[i] == 0 || b[i] == 0) {
        nan = true;
      } else {
        (std::signbit(a[i]) != std::signbit(b[i]) ? neg_inf : pos_inf) = true;
      }
    }
  }
  if (nan || (pos_inf && neg_inf)) return std::nan("");
  if (pos_inf) return INFINITY;
  if (neg_inf) return -INFINITY;
  return std::nullopt;
}

int exponent_of(double x) {
  return std::ilogb(x);
}  // floor(log2 |x|), x finite nonzero

// The value mag * 2^scale (sign `negative`) rounded into `out`; a finite value reaching
// 2^(emax+1) is inf whatever the mode (the wide accumulator overflows on conversion).
double round_fixed(uint64_t mag, bool negative, int64_t scale, Format out, Rounding mode) {
  if (mag == 0) return 0.0;
  Unpacked u;
  u.kind = Unpacked::Kind::finite;
  u.negative = negative;
  const int lead = 63 - std::countl_zero(mag);
  u.mant = mag << (63 - lead);
  u.exp = scale + lead;
  u.sticky = false;
  const FormatDesc& d = desc(out);
  if (u.exp > d.emax()) return negative ? -INFINITY : INFINITY;
  RoundOptions o;
  o.mode = mode;
  o.saturate = false;
  return decode(out, round_to(out, u, o).bits);
}

// Keeps `bits` fraction bits of mag * 2^scale (toward zero), with the subnormal grid of a
// format whose smallest normal exponent is emin.
uint64_t truncate_fraction(uint64_t mag, int64_t scale, int bits, int emin) {
  if (mag == 0 || bits <= 0) return mag;
  const int64_t e = scale + (63 - std::countl_zero(mag));
  const int64_t drop = std::max<int64_t>(e, emin) - bits - scale;
  if (drop <= 0) return mag;
  if (drop >= 64) return 0;
  return (mag >> drop) << drop;
}

// NVIDIA's fused block (the header's steps 1-5).
// `shift`, where given, raises product i by 2^shift[i] (its block scales' exponents: the
// scaled datapath), in its value and its alignment exponent alike.
double fused_block(const TcModel& m, std::span<const double> a, std::span<const double> b, double c,
                   Format out, std::span<const int> shift = {}) {
  double terms[65];
  if (a.size() + 1 > std::size(terms))
    throw std::invalid_argument("tensor-core model: block larger than 64");
  const auto raise = [&shift](size_t i) { return shift.empty() ? 0 : shift[i]; };
  size_t n = 0;
  terms[n++] = c;
  for (size_t i = 0; i < a.size(); ++i)  // exact: <= 48 bits, scales within double's range
    terms[n++] = std::ldexp(a[i] * b[i], raise(i));

  const int out_emin = desc(out).emin();
  const int emin_b = m.operand_emin_b ? m.operand_emin_b : m.operand_emin;
  int emax = INT_MIN;
  bool zero_term = c == 0 || static_cast<int>(a.size()) < m.block;  // padding: zero products
  bool all_negative_zero = true;
  if (c != 0) emax = m.operand_exponents ? std::max(exponent_of(c), out_emin) : exponent_of(c);
  for (size_t i = 0; i < a.size(); ++i) {
    const double t = terms[i + 1];
    if (t == 0) {
      zero_term = true;
      continue;
    }
    const int e = m.operand_exponents ? std::max(exponent_of(a[i]), m.operand_emin) +
                                            std::max(exponent_of(b[i]), emin_b) + raise(i)
                                      : exponent_of(t);
    emax = std::max(emax, e);
  }
  for (size_t i = 0; i < n; ++i)
    all_negative_zero = all_negative_zero && terms[i] == 0 && std::signbit(terms[i]);
  const double zero = m.signed_zero && all_negative_zero ? -0.0 : 0.0;
  if (emax == INT_MIN) return zero;  // every term is zero
  if (zero_term && m.zero_exponent) emax = std::max(emax, *m.zero_exponent);

  // Each term as an integer multiple of 2^(emax - f), truncated toward zero; a term is below
  // 2^(emax + 2) (a significand product below 4), so each is below 2^(f + 2) and the sum of
  // at most 65 stays below 2^(f + 9) <= 2^61 for f <= 52.
  const int f = m.frac_bits;
  int64_t sum = 0;
  for (size_t i = 0; i < n; ++i)
    sum += static_cast<int64_t>(std::trunc(std::ldexp(terms[i], f - emax)));
  if (sum == 0) return zero;
  const bool negative = sum < 0;
  uint64_t mag = negative ? uint64_t(0) - static_cast<uint64_t>(sum) : uint64_t(sum);
  const int64_t scale = static_cast<int64_t>(emax) - f;
  mag = truncate_fraction(mag, scale, m.out_frac_bits, out_emin);
  if (mag == 0) return zero;
  // A sum that rounds to zero in the output is +0 as well (MMA-Sim rounds on integers; only
  // `signed_zero` keeps IEEE's -0 for a negative sum).
  const double r = round_fixed(mag, negative, scale, out, m.final_rounding);
  return r == 0 && !m.signed_zero ? 0.0 : r;
}

// MMA-Sim's GST-FDPA: products summed exactly per group, each group sum times its scales'
// significands aligned at the scales' exponent sum, C beside them, F fraction bits, RZ.
double group_scaled_block(const TcModel& m, std::span<const double> a, std::span<const double> b,
                          std::span<const double> sa, std::span<const double> sb, double c,
                          Format out) {
  const size_t g = static_cast<size_t>(m.group);
  struct Term {
    double value;  // exact
    int exponent;  // alignment exponent
    bool zero;
  };
  std::vector<Term> terms;
  for (size_t lo = 0; lo < a.size(); lo += g) {
    double sum = 0;  // exact: 16 products of fp4 values (each a multiple of 2^-2, <= 36)
    bool all_zero = true;
    for (size_t i = lo; i < std::min(a.size(), lo + g); ++i) {
      sum += a[i] * b[i];
      all_zero = all_zero && a[i] * b[i] == 0;
    }
    const size_t s = lo / static_cast<size_t>(m.scale_block);
    const double scale = sa[s] * sb[s];
    // A scale's exponent as MMA-Sim decomposes it: a subnormal ue4m3 scale at its emin.
    const int emin_s = desc(m.scale).emin();
    const int e_scale =
        scale == 0 ? 0
                   : std::max(exponent_of(sa[s]), emin_s) + std::max(exponent_of(sb[s]), emin_s);
    if (scale == 0 || (all_zero && !m.zero_group_at_scales)) {
      terms.push_back({0.0, 0, true});
      continue;
    }
    terms.push_back({sum * scale, e_scale, false});  // exact: 11 + 8 significant bits
  }
  if (static_cast<int>(a.size()) < m.block) terms.push_back({0.0, 0, true});  // padding
  const int out_emin = desc(out).emin();
  terms.push_back({c, c == 0 ? 0 : std::max(exponent_of(c), out_emin), c == 0});
  int emax = INT_MIN;
  bool zero_term = false;
  for (const Term& t : terms) {
    if (t.zero)
      zero_term = true;
    else
      emax = std::max(emax, t.exponent);
  }
  if (emax == INT_MIN) return 0.0;
  if (zero_term && m.zero_exponent) emax = std::max(emax, *m.zero_exponent);
  const int f = m.frac_bits;
  int64_t sum = 0;  // a group term is below 2^(e_scale + 12): each below 2^(f + 12)
  for (const Term& t : terms)
    if (!t.zero) sum += static_cast<int64_t>(std::trunc(std::ldexp(t.value, f - emax)));
  if (sum == 0) return 0.0;
  const bool negative = sum < 0;
  const uint64_t mag = negative ? uint64_t(0) - static_cast<uint64_t>(sum) : uint64_t(sum);
  const double r =
      round_fixed(mag, negative, static_cast<int64_t>(emax) - f, out, m.final_rounding);
  return r == 0 && !m.signed_zero ? 0.0 : r;  // +0, as in the fused datapath
}

// floor(x / 2^k) for k >= 0, x * 2^-k for k < 0: a fixed-point value moved to a coarser
// (rounded down, toward -inf) or finer grid.
int64_t regrid_down(int64_t x, int64_t k) {
  if (k <= 0) return k <= -62 ? x : x * (int64_t{1} << -k);
  if (k >= 63) return x < 0 ? -1 : 0;
  return x >> k;  // arithmetic shift: floor
}

// The products at positions first, first + step, ... fused at F below their largest
// operand-exponent alignment (truncation, zeros taking no part): sum at 2^(e - F), e =
// INT_MIN when every product is zero; an overflowing product returns its infinity.
std::optional<double> fuse_products(const TcModel& m, std::span<const double> a,
                                    std::span<const double> b, size_t first, size_t step,
                                    int64_t& sum, int& e) {
  const int emin_b = m.operand_emin_b ? m.operand_emin_b : m.operand_emin;
  e = INT_MIN;
  sum = 0;
  for (size_t i = first; i < a.size(); i += step) {
    const double t = a[i] * b[i];
    if (t == 0) continue;
    if (exponent_of(t) >= 128) return std::copysign(INFINITY, t);  // the product overflows
    e = std::max(e,
                 std::max(exponent_of(a[i]), m.operand_emin) + std::max(exponent_of(b[i]), emin_b));
  }
  if (e != INT_MIN)
    for (size_t i = first; i < a.size(); i += step)
      sum += static_cast<int64_t>(std::trunc(std::ldexp(a[i] * b[i], m.frac_bits - e)));
  return std::nullopt;
}

// C added after the products' sum dot (at 2^(e_dot - F)), MMA-Sim's TR-FDPA: with E the larger
// exponent, the sum rounded down to 2^(E - c_after_bits), C to 2^(E - F) (a zero C takes no
// part; with drop_far_c, as CDNA3 fp8, a C more than 25 binades below E none either), their
// exact sum rounded once (RNE) into fp32.
double add_c_after(const TcModel& m, int64_t dot, int e_dot, double c, bool drop_far_c) {
  const int f = m.frac_bits;
  const int e_c = c == 0 ? INT_MIN : std::max(exponent_of(c), -126);
  const int e = std::max(e_dot, e_c);
  if (e == INT_MIN) return 0.0;
  const int64_t grid = static_cast<int64_t>(e) - m.c_after_bits;
  int64_t total = e_dot == INT_MIN ? 0 : regrid_down(dot, grid - (e_dot - f));
  if (c != 0 && !(drop_far_c && e_c < e - 25)) {  // C = c_int * 2^q_c exactly (fp32)
    const int q_c = e_c - 23;
    const auto c_int = static_cast<int64_t>(std::ldexp(c, -q_c));
    total += regrid_down(c_int, static_cast<int64_t>(e) - f - q_c) *
             (int64_t{1} << (m.c_after_bits - f));
  }
  if (total == 0) return 0.0;
  const bool negative = total < 0;
  const uint64_t mag = negative ? uint64_t(0) - static_cast<uint64_t>(total) : uint64_t(total);
  return round_fixed(mag, negative, grid, Format::fp32, Rounding::rne);
}

// CDNA3 f16 / bf16 / xf32: the products fused at F, then C after (add_c_after).
double c_after_block(const TcModel& m, std::span<const double> a, std::span<const double> b,
                     double c) {
  int64_t dot = 0;
  int e_dot = INT_MIN;
  if (auto inf = fuse_products(m, a, b, 0, 1, dot, e_dot)) return *inf;
  return add_c_after(m, dot, e_dot, c, false);
}

// CDNA3 fp8 (MMA-Sim's simulator, amd_fused_dot_add with is_fp8): the even and the odd
// products each fused at F, both half sums rounded down to F bits below the larger one's
// exponent, then C after (dropped when more than 25 binades below).
double c_after_halves_block(const TcModel& m, std::span<const double> a, std::span<const double> b,
                            double c) {
  int64_t half[2];
  int e_half[2];
  for (size_t h = 0; h < 2; ++h)
    if (auto inf = fuse_products(m, a, b, h, 2, half[h], e_half[h])) return *inf;
  const int e_dot = std::max(e_half[0], e_half[1]);
  int64_t dot = 0;  // at 2^(e_dot - F)
  for (int h = 0; h < 2; ++h)
    if (e_half[h] != INT_MIN) dot += regrid_down(half[h], e_dot - e_half[h]);
  return add_c_after(m, dot, e_dot, c, true);
}

// CDNA1: the exact sum of the products and C, rounded once (RNE) into fp32.
double exact_block(std::span<const double> a, std::span<const double> b, double c, Format out) {
  std::vector<double> terms{c};
  for (size_t i = 0; i < a.size(); ++i) terms.push_back(a[i] * b[i]);
  Mpfr s(2200);           // every double's bits lie within 2^-1074 .. 2^1024
  std::deque<Mpfr> held;  // Mpfr does not move
  std::vector<mpfr_ptr> ptrs;
  for (double t : terms) {
    held.emplace_back(64);
    mpfr_set_d(held.back(), t, MPFR_RNDN);
    ptrs.push_back(held.back().get());
  }
  mpfr_sum(s, ptrs.data(), ptrs.size(), MPFR_RNDN);
  return decode(out, round_mpfr(out, s).bits);
}

// CDNA2's fp32 arithmetic with subnormals flushed: products and additions rounded to fp32
// (RNE), a subnormal result flushed to a zero of its sign.
float flush(float x) {
  return std::fabs(x) < 0x1p-126f ? std::copysign(0.0f, x) : x;
}

double ftz_pairs_block(const TcModel& m, std::span<const double> a, std::span<const double> b,
                       double c) {
  const double in_min = std::ldexp(1.0, m.operand_emin);
  const auto in = [in_min](double x) {  // subnormal inputs flushed to +0
    return static_cast<float>(std::fabs(x) < in_min && x != 0 ? 0.0 : x);
  };
  // A subnormal C is flushed to +0 (MMA-Sim's CDNA2 model).
  float acc = std::fabs(c) < 0x1p-126 && c != 0 ? 0.0f : static_cast<float>(c);
  std::vector<float> p;
  for (size_t i = 0; i < a.size(); ++i) p.push_back(flush(in(a[i]) * in(b[i])));
  while (p.size() > 1) {  // pairwise: (p0 + p1), then ((p0 + p1) + (p2 + p3))
    std::vector<float> next;
    for (size_t i = 0; i + 1 < p.size(); i += 2) next.push_back(flush(p[i] + p[i + 1]));
    if (p.size() % 2) next.push_back(p.back());
    p = std::move(next);
  }
  if (!p.empty()) acc = flush(acc + p[0]);
  return acc;
}

double fma_chain_dot(std::span<const double> a, std::span<const double> b, double c, Format out) {
  if (out == Format::fp64) {
    double d = c;
    for (size_t i = 0; i < a.size(); ++i) d = std::fma(a[i], b[i], d);
    return d;
  }
  float d = static_cast<float>(c);
  for (size_t i = 0; i < a.size(); ++i)
    d = std::fmaf(static_cast<float>(a[i]), static_cast<float>(b[i]), d);
  return d;
}

}  // namespace

uint64_t nan_result(const TcModel& m, Format out) {
  if (m.nan == NanResult::canonical) {  // CUDA's (the published models return it too)
    if (out == Format::fp32) return 0x7fffffff;
    if (out == Format::fp16) return 0x7fff;
  }
  return desc(out).nan_bits();
}

std::string_view name(Datapath d) {
  constexpr std::string_view names[] = {"fused",     "c_after", "exact",        "ftz_pairs",
                                        "fma_chain", "scaled",  "group_scaled", "c_after_halves"};
  return names[static_cast<size_t>(d)];
}

std::span<const Instruction> tc_instructions() {
  return kInstructions;
}

int operand_emin(Format f) {
  switch (f) {
    case Format::e2m1:
    case Format::e3m2:
    case Format::e2m3:
      return desc(Format::e4m3).emin();
    default:
      return desc(f).emin();
  }
}

const Instruction* find_instruction(std::string_view name, std::string_view arch) {
  for (const Instruction& i : kInstructions)
    if (i.name == name && (arch.empty() || i.arch == arch)) return &i;
  return nullptr;
}

std::span<const std::string_view> tc_architectures() {
  return kArchitectures;
}

const Instruction* find_default_instruction(std::string_view arch, Format a, Format b, Format out) {
  for (const Instruction& i : kInstructions)
    if (i.arch == arch && i.a == a && i.b == b && i.out == out) return &i;
  return nullptr;
}

std::optional<TcModel> find_preset(std::string_view arch, Format a, Format b, Format out) {
  if (const Instruction* i = find_default_instruction(arch, a, b, out)) return bound_model(*i);
  return std::nullopt;
}

std::optional<TcModel> find_preset(std::string_view arch, Format in, Format out) {
  return find_preset(arch, in, in, out);
}

TcModel preset(std::string_view arch, Format in, Format out) {
  if (auto m = find_preset(arch, in, out)) return *m;
  throw std::invalid_argument("tensor-core model: no preset for " + std::string(arch) + " " +
                              std::string(name(in)) + " -> " + std::string(name(out)));
}

double mma_block(const TcModel& model, std::span<const double> a, std::span<const double> b,
                 double c, Format out) {
  if (a.size() != b.size() || static_cast<int64_t>(a.size()) > model.block)
    throw std::invalid_argument("tensor-core model: a block takes at most `block` pairs");
  if (model.frac_bits < 0 || model.frac_bits > 52)
    throw std::invalid_argument("tensor-core model: frac_bits must be in [0, 52]");
  if (auto s = special_result(a, b, c)) return *s;
  switch (model.path) {
    case Datapath::fused:
      return fused_block(model, a, b, c, out);
    case Datapath::c_after:
      return c_after_block(model, a, b, c);
    case Datapath::c_after_halves:
      return c_after_halves_block(model, a, b, c);
    case Datapath::exact:
      return exact_block(a, b, c, out);
    case Datapath::ftz_pairs:
      return ftz_pairs_block(model, a, b, c);
    case Datapath::fma_chain:
      return fma_chain_dot(a, b, c, out);
    case Datapath::scaled:
    case Datapath::group_scaled:
      break;  // mma_scaled_dot
  }
  throw std::invalid_argument("tensor-core model: datapath " + std::string(name(model.path)) +
                              " is not implemented");
}

double mma_dot_values(const TcModel& model, std::span<const double> a, std::span<const double> b,
                      double c, Format out) {
  if (a.size() != b.size()) throw std::invalid_argument("tensor-core model: a and b differ");
  if (model.block <= 0) throw std::invalid_argument("tensor-core model: block must be > 0");
  const size_t block = static_cast<size_t>(model.block);
  double d = c;
  for (size_t lo = 0; lo < a.size(); lo += block) {
    const size_t len = std::min(block, a.size() - lo);
    d = mma_block(model, a.subspan(lo, len), b.subspan(lo, len), d, out);
  }
  return d;
}

uint64_t mma_dot(const TcModel& model, Format in, Format in_b, std::span<const uint64_t> a,
                 std::span<const uint64_t> b, uint64_t c_bits, Format out) {
  const auto reader = [&model](Format f) {
    return [f, &model](uint64_t bits) {
      // Tensor cores read tf32 operands by clearing the low 13 bits of the fp32 container
      // (docs/REFERENCE.md, Conversions): a NaN whose payload lies only there becomes inf.
      if (f == Format::tf32 && (model.tf32_nan_to_inf || !is_nan(f, bits)))
        bits &= ~uint64_t{0x1fff};
      return decode(f, bits);
    };
  };
  std::vector<double> av(a.size()), bv(b.size());
  std::transform(a.begin(), a.end(), av.begin(), reader(in));
  std::transform(b.begin(), b.end(), bv.begin(), reader(in_b));
  const double d = mma_dot_values(model, av, bv, decode(out, c_bits), out);
  if (std::isnan(d)) return nan_result(model, out);
  RoundOptions o;
  o.mode = model.final_rounding;
  return round_double(out, d, o).bits;  // d is a value of `out`: no rounding happens
}

uint64_t mma_dot(const TcModel& model, Format in, std::span<const uint64_t> a,
                 std::span<const uint64_t> b, uint64_t c_bits, Format out) {
  return mma_dot(model, in, in, a, b, c_bits, out);
}

uint64_t mma_scaled_dot(const TcModel& model, Format in, Format in_b, std::span<const uint64_t> a,
                        std::span<const uint64_t> b, std::span<const uint64_t> scale_a,
                        std::span<const uint64_t> scale_b, uint64_t c_bits, Format out) {
  if (model.path != Datapath::scaled && model.path != Datapath::group_scaled)
    throw std::invalid_argument("tensor-core model: not a block-scaled instruction");
  if (a.size() != b.size()) throw std::invalid_argument("tensor-core model: a and b differ");
  const size_t sb_len = static_cast<size_t>(model.scale_block);
  const size_t scales = (a.size() + sb_len - 1) / sb_len;
  if (scale_a.size() != scales || scale_b.size() != scales)
    throw std::invalid_argument("tensor-core model: one scale of a and of b per " +
                                std::to_string(sb_len) + " elements (" + std::to_string(scales) +
                                " each)");
  std::vector<double> av, bv, sa, sb;
  for (uint64_t x : a) av.push_back(decode(in, x));
  for (uint64_t y : b) bv.push_back(decode(in_b, y));
  // UE4M3 scales: the sign bit is not read (MMA-Sim clears it).
  const uint64_t mask = model.scale == Format::ue4m3 ? 0x7f : 0xff;
  for (uint64_t s : scale_a) sa.push_back(decode(model.scale, s & mask));
  for (uint64_t s : scale_b) sb.push_back(decode(model.scale, s & mask));
  double d = decode(out, c_bits);
  const size_t block = static_cast<size_t>(model.block);
  for (size_t lo = 0; lo < av.size(); lo += block) {
    const size_t len = std::min(block, av.size() - lo);
    const auto as = std::span(av).subspan(lo, len), bs = std::span(bv).subspan(lo, len);
    bool nan = std::isnan(d);
    for (size_t i = lo / sb_len; i < (lo + len + sb_len - 1) / sb_len; ++i)
      nan = nan || std::isnan(sa[i]) || std::isnan(sb[i]);
    if (nan) {
      d = std::nan("");
    } else if (auto s = special_result(as, bs, d)) {
      d = *s;
    } else if (model.path == Datapath::scaled) {
      std::vector<int> shift(len);
      for (size_t i = 0; i < len; ++i)
        shift[i] = exponent_of(sa[(lo + i) / sb_len]) + exponent_of(sb[(lo + i) / sb_len]);
      d = fused_block(model, as, bs, d, out, shift);
    } else {
      const size_t first = lo / sb_len, count = (len + sb_len - 1) / sb_len;
      d = group_scaled_block(model, as, bs, std::span(sa).subspan(first, count),
                             std::span(sb).subspan(first, count), d, out);
    }
  }
  if (std::isnan(d)) return nan_result(model, out);
  RoundOptions o;
  o.mode = model.final_rounding;
  return round_double(out, d, o).bits;
}

}  // namespace numguard::tc
