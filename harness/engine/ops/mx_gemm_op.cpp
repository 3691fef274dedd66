// mx_gemm: out (m x n, fp32) = Q(A) Q(B), the operands quantized along K into the block-scaled
// format the recipe declares (block_scaling: OCP MX with E8M0 scales per 32, or NVFP4 with UE4M3
// per 16 and an fp32 tensor scale; references/mx_block.h), as Transformer Engine's MXFP8 and
// NVFP4 GEMMs compute. The quantization is part of the op: a kernel must quantize exactly as
// the declared format and scale rule say (the reference does the same), and the bound covers
// only the block-scaled MMA's accumulation (fused blocks of the recipe's L terms with F
// fraction bits, RZ, chained through fp32; NVFP4's tensor scales applied in fp32 after).
// docs/error-models.md, "Block-scaled GEMM".
#include <cmath>

#include "harness/core/output_sample.h"
#include "harness/engine/op.h"
#include "harness/engine/ops/block_scaled_sum.h"
#include "harness/engine/ops/op_cases.h"
#include "harness/engine/ops/reduction_cases.h"
#include "harness/engine/ops/reduction_judge.h"
#include "harness/engine/ops/reduction_study.h"
#include "references/exact_real.h"
#include "references/mx_block.h"

namespace numguard::ops {
namespace {

constexpr ReductionForm kGemm{.has_b = true, .quadratic = true, .gemm = true};

Problem make_mx(const KernelDesc& kd, Rng& r, std::string_view g) {
  Problem p = reduction_case(kGemm, kd, r, g);
  p.alpha = 1;  // no epilogue: D = Q(A) Q(B)
  p.beta = 0;
  p.c = Tensor();
  return p;
}

std::vector<OpElement> judge_mx(const Recipe& rc, const Problem& p) {
  const mx::BlockFormat& f = mx::block_format_of(rc.block_scaling);
  const mx::GemmOperands q = mx::quantize_gemm(rc.block_scaling, p);
  const Accumulation& a = rc.shape;
  const int64_t depth = a.block > 0 ? (p.k + a.block - 1) / a.block : p.k;
  // Per block: at most L + 1 terms truncated below 2^-F of the largest, one RZ into fp32.
  const double rho = (a.block + 1) * std::ldexp(1.0, -a.frac_bits) + std::ldexp(1.0, -23);
  const double phi = std::expm1(static_cast<double>(depth) * std::log1p(rho));
  const double tiny =
      static_cast<double>(depth) *
      ((a.zero_exponent ? (a.block + 1) * std::ldexp(1.0, *a.zero_exponent - a.frac_bits) : 0) +
       std::ldexp(1.0, -149));
  const bool nvfp4 = f.scale == Format::ue4m3;
  const double u = std::ldexp(1.0, -24);
  const OutputSample* sample = current_output_sample();
  std::vector<OpElement> out;
  for (int64_t i = 0; i < p.m; ++i)
    for (int64_t j = 0; j < p.n; ++j) {
      if (sample && !sample->wanted(static_cast<size_t>(i * p.n + j))) continue;
      const mx::Quantized& x = q.rows[static_cast<size_t>(i)];
      const mx::Quantized& y = q.cols[static_cast<size_t>(j)];
      const double ts = x.tensor_scale * y.tensor_scale;  // exact: two fp32 values
      const BlockScaledSum bs = block_scaled_sum(f.element, f.scale, f.block, x.elements,
                                                 y.elements, x.scales, y.scales, ts);
      OpElement e;
      if (bs.special) {  // a block holding NaN or inf has a NaN scale: the result is NaN
        e.value = *bs.special;
        out.push_back(e);
        continue;
      }
      const double s_abs = bs.abs_sum;
      const Unpacked exact = bs.exact.unpacked();
      e.exact = exact;
      e.value = decode(Format::fp64, round_to(Format::fp64, exact).bits);
      // A zero group under large scales (scale_group > 0): its alignment, grown like the rest.
      const double zero_groups =
          zero_group_error(f.element, f.scale, f.block, a.block, a.scale_group, a.frac_bits,
                           x.elements, y.elements, x.scales, y.scales);
      double bound = phi * s_abs + (tiny + zero_groups * (1 + phi)) * ts;
      if (nvfp4)  // the tensor scales' product and the multiplication, RNE in fp32
        bound = bound * (1 + u) * (1 + u) + (2 * u + u * u) * std::fabs(e.value) +
                2 * std::ldexp(1.0, -149);
      e.bound = bound;
      e.estimate = (a.block + 1) * std::ldexp(1.0, -a.frac_bits) * s_abs;
      e.scale = s_abs;
      const FormatDesc& f32 = desc(Format::fp32);
      if (s_abs * (1 + phi) > f32.max_finite()) e.domain = "the block sums may overflow fp32";
      // NVFP4's epilogue multiplies by ts_a ts_b in fp32: beyond its normal range the product
      // overflows (inf * 0 = NaN) or loses its digits.
      if (nvfp4 && (ts > f32.max_finite() || ts < f32.min_normal()))
        e.domain = "the tensor scales' product lies outside fp32's normal range";
      out.push_back(e);
    }
  return out;
}

OpInfo mx_gemm_op() {
  OpInfo op;
  op.name = "mx_gemm";
  op.summary =
      "out = Q(A) Q(B): A's rows and B's columns quantized along K into the recipe's MX or "
      "NVFP4 format, then a block-scaled GEMM into fp32";
  op.rank = 45;
  op.reduction_length = "k, the terms summed into each output";
  op.schema = {
      .dims = {{Dim::m, "rows of A"}, {Dim::n, "columns of B"}, {Dim::k, "the inner dimension"}},
      .operands = {{.slot = 'a',
                    .name = "A",
                    .shape = {Dim::m, Dim::k},
                    .meaning = "row-major, quantized along k by the kernel"},
                   {.slot = 'b',
                    .name = "B",
                    .shape = {Dim::k, Dim::n},
                    .meaning = "row-major, quantized along k by the kernel"}},
      .out = {Dim::m, Dim::n},
      .out_meaning = "D, fp32, row-major"};
  op.bound_formula =
      "block-scaled MMA: phi = (1 + (L + 1) 2^-F + 2^-23)^ceil(k / L) - 1 times sum |Q(a) Q(b)| "
      "plus e_zero's and fp32's underflow terms; NVFP4 adds its fp32 tensor-scale epilogue "
      "(docs/error-models.md, \"Block-scaled GEMM\")";
  op.generator_notes = {
      {"api_corners",
       "M, N or K = 0, NaN or inf in A or B (its block's scale becomes NaN: so do the outputs "
       "it feeds)"},
      {"transformer",
       "activations with outlier channels x weights: outliers set their "
       "block's scale and flush the block's small values"}};
  op.make = make_mx;
  op.judge = judge_mx;
  op.describe = describe_reduction;
  op.range = reduction_range(kGemm);
  op.fuzz = {.family = "reduction", .layout = FuzzLayout::explicit_shape, .mn_from_bytes = true};
  op.recipe_use = {.accumulation = true, .orders = {}, .block_scaling = true};
  return op;
}

NUMGUARD_REGISTER_OP(mx_gemm_op());

}  // namespace
}  // namespace numguard::ops
