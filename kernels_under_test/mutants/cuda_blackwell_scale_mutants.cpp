// Device mutants of the Blackwell MXFP8 GEMMs (kernels_under_test/cpu/device_scaled_gemms.h),
// each a scale-placement slip that is exactly right while a row's scales are equal (every test
// whose scales are all one):
//
// mutant.scaled_gemm.e4m3.mma-sm120a.scale_rows: A's scale register filled one row per quad of
// lanes -- sa[row0 + lane / 4] -- the way B's is (column lane / 4), where mma.sync's scale
// fragment takes row g from lane 4g and row g + 8 from lane 4g + 1. Rows 8..15 of every 16-row
// tile are scaled with rows 0..7's scales. Real-world cause: a scale loader copied from the B
// side (or from a layout whose tile is 8 rows).
//
// mutant.scaled_gemm.e4m3.tcgen05-sm100a.scale_id: every tcgen05.mma's scale factor IDs left
// at 0. The kernel stores a chunk's four blocks of scales in the four bytes of one TMEM column
// group and each instruction picks its byte by that ID; left at 0, all four instructions of a
// chunk read the first block's scales (block b takes block 4 floor(b / 4)'s). Real-world
// cause: one instruction descriptor built outside the K loop.
//
// Two registrations each, as every device mutant: the device kernel naming the CORRECT twin, so
// a GPU run's device-versus-twin comparison catches it; and a CPU twin carrying the bug, which
// CI catches by the bound of the recipe it declares.
#include <string>
#include <utility>

#include "kernels_under_test/cpu/device_scaled_gemms.h"
#include "kernels_under_test/cpu/scaled_gemm_kernel.h"
#include "kernels_under_test/cuda/register_common.h"
#include "kernels_under_test/cuda/register_scaled_blackwell.h"
#include "kernels_under_test/cuda/scaled_gemm_blackwell.h"
#include "kernels_under_test/mutants/register_mutant.h"

namespace numguard::kernels {
namespace {

using DeviceGemm = cuda::Bits (*)(cuda::GemmShape, const cuda::Bits&, const cuda::Bits&,
                                  const cuda::Bits&, const cuda::Bits&);

void register_scale_mutant(const DeviceScaledGemm& imitated, const char* suffix, DeviceGemm gemm,
                           std::string (*cannot_run)(), void (*plant)(ScaledGemmArithmetic&),
                           const char* bug, const char* mechanism) {
  const std::string name = std::string("mutant.") + imitated.name + "." + suffix;
  const Recipe recipe = scaled_gemm_recipe(imitated.arith);
  KernelDesc device = cuda::cuda_kernel(
      name, imitated.op, recipe,
      [gemm](const Problem& p, Tensor& out) {
        cuda::require_inputs(p, Format::e4m3, true);
        Tensor y(Format::fp32, {p.m, p.n});
        y.bits = gemm({p.m, p.n, p.k}, p.a.bits, p.b.bits, p.c.bits, p.d.bits);
        out = std::move(y);
      },
      std::string(imitated.name) + ".twin");  // the correct twin: the device kernel must differ
  device.cannot_run = cannot_run;

  ScaledGemmArithmetic buggy = imitated.arith;
  plant(buggy);
  KernelDesc twin =
      cpu_kernel(name + ".twin", imitated.op, recipe,
                 [buggy](const Problem& p, Tensor& y) { run_scaled_gemm(buggy, p, y); });
  register_mutant_pair(std::move(device), std::move(twin), imitated.name, bug, mechanism);
}

const bool registered = [] {
  register_scale_mutant(
      sm120_scaled_gemms().front(), "scale_rows", cuda::mutant_scaled_gemm_sm120_scale_rows,
      cuda::sm120_cannot_run, [](ScaledGemmArithmetic& a) { a.a_scales_one_row_per_quad = true; },
      "A's scale register filled one row per quad (as B's): rows 8..15 of each 16-row tile "
      "scaled with the scales of rows 0..7",
      "scales_a=one_row_per_quad");
  register_scale_mutant(
      sm100_scaled_gemms().front(), "scale_id", cuda::mutant_scaled_gemm_sm100_scale_id,
      cuda::sm100_cannot_run, [](ScaledGemmArithmetic& a) { a.scale_id_stuck = true; },
      "every tcgen05.mma's scale factor ID left at 0: the four instructions of a chunk read its "
      "first block's scales",
      "scales=id_stuck");
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
