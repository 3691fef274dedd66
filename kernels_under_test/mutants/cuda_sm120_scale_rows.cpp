// Mutant: RTX Blackwell's MXFP8 GEMM (scaled_gemm.e4m3.mma-sm120a) whose A scale register is
// filled one row per quad of lanes -- sa[row0 + lane / 4] -- the way B's is (column lane / 4),
// where mma.sync's scale fragment takes row g from lane 4g and row g + 8 from lane 4g + 1. Rows
// 8..15 of every 16-row tile are scaled with rows 0..7's scales. Real-world cause: a scale
// loader copied from the B side (or from a layout whose tile is 8 rows); exactly right when
// rows i and i + 8 share their scales, e.g. every test whose scales are all one.
//
// Two registrations, as every device mutant: the device kernel (scaled_gemm_sm120.cu) naming the
// CORRECT twin, so a GPU run's device-versus-twin comparison catches it; and a CPU twin
// carrying the bug, which CI catches by the bound of the recipe it declares.
#include "kernels_under_test/cpu/scaled_gemm_kernel.h"
#include "kernels_under_test/cpu/sm120_scaled_gemms.h"
#include "kernels_under_test/cuda/register_common.h"
#include "kernels_under_test/cuda/register_scaled_sm120.h"
#include "kernels_under_test/cuda/scaled_gemm_sm120.h"
#include "kernels_under_test/mutants/register_mutant.h"

namespace numguard::kernels {
namespace {

const bool registered = [] {
  const Sm120ScaledGemm imitated = sm120_scaled_gemms().front();  // MXFP8
  const std::string name = std::string("mutant.") + imitated.name + ".scale_rows";
  const Recipe recipe = scaled_gemm_recipe(imitated.arith);

  KernelDesc device = cuda::cuda_kernel(
      name, imitated.op, recipe,
      [](const Problem& p, Tensor& out) {
        cuda::require_inputs(p, Format::e4m3, true);
        Tensor y(Format::fp32, {p.m, p.n});
        y.bits = cuda::mutant_scaled_gemm_sm120_scale_rows({p.m, p.n, p.k}, p.a.bits, p.b.bits,
                                                           p.c.bits, p.d.bits);
        out = std::move(y);
      },
      std::string(imitated.name) + ".twin");  // the correct twin: the device kernel must differ
  device.cannot_run = cuda::sm120_cannot_run;

  ScaledGemmArithmetic buggy = imitated.arith;
  buggy.a_scales_one_row_per_quad = true;
  KernelDesc twin =
      cpu_kernel(name + ".twin", imitated.op, recipe,
                 [buggy](const Problem& p, Tensor& y) { run_scaled_gemm(buggy, p, y); });
  register_mutant_pair(std::move(device), std::move(twin), imitated.name,
                       "A's scale register filled one row per quad (as B's): rows 8..15 of each "
                       "16-row tile scaled with the scales of rows 0..7",
                       "scales_a=one_row_per_quad");
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
