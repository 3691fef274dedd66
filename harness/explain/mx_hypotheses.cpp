// Hypotheses about block-scaled GEMMs. mx_gemm: the declared quantization and MMA
// (kernels_under_test/cpu/mx_gemm_kernel.h), the other scale rule, conversion without
// saturation, and elements rounded before the division by their scale. scaled_gemm and
// nvfp4_gemm (given tensors, scaled_gemm_kernel.h): the ways an adapter misreads the scale
// tensors, the packing and the tensor scales.
#include "harness/explain/hypothesis.h"
#include "kernels_under_test/cpu/mx_gemm_kernel.h"
#include "kernels_under_test/cpu/scaled_gemm_kernel.h"

namespace numguard::explain {
namespace {

Model mx_model(kernels::MxGemmArithmetic a) {
  return [a](const Problem& p, Tensor& y) { kernels::run_mx_gemm(a, p, y); };
}

void variants(std::string_view, const Recipe& r, std::vector<Hypothesis>& out) {
  const kernels::MxGemmArithmetic declared{.scaling = r.block_scaling};
  // The declared kernel with one switch changed.
  const auto add = [&](std::string tag, std::string what, auto change) {
    kernels::MxGemmArithmetic a = declared;
    change(a);
    out.push_back({std::move(tag), std::move(what), mx_model(a)});
  };
  const bool up = !declared.scaling.scale_up;
  add(up ? "scale_rule=up" : "scale_rule=spec",
      up ? "block scales rounded up (2^ceil(log2(amax / max))) where the recipe takes the "
           "specification's"
         : "block scales by the specification's rule (floor for MX, nearest for NVFP4) where "
           "the recipe rounds them up: the largest values saturate",
      [](kernels::MxGemmArithmetic& a) { a.scaling.scale_up = !a.scaling.scale_up; });
  add("no_saturation",
      "elements converted without saturation: values beyond the element format's largest "
      "become inf or NaN",
      [](kernels::MxGemmArithmetic& a) { a.saturate = false; });
  add("scale_after_rounding",
      "elements rounded to the element format before the division by their block scale, the "
      "quotient rounded again",
      [](kernels::MxGemmArithmetic& a) { a.scale_after_rounding = true; });
}

bool mx_element(Format f) {
  return f == Format::e4m3 || f == Format::e5m2 || f == Format::e3m2 || f == Format::e2m3 ||
         f == Format::e2m1;
}

Model scaled_model(kernels::ScaledGemmArithmetic a) {
  return [a](const Problem& p, Tensor& y) { kernels::run_scaled_gemm(a, p, y); };
}

// The declared kernel with one switch changed.
void add_variant(const kernels::ScaledGemmArithmetic& declared, std::vector<Hypothesis>& out,
                 std::string tag, std::string what, auto change) {
  kernels::ScaledGemmArithmetic a = declared;
  change(a);
  out.push_back({std::move(tag), std::move(what), scaled_model(a)});
}

// Layout mistakes any scale tensor invites.
void layout_variants(const kernels::ScaledGemmArithmetic& d, std::vector<Hypothesis>& out) {
  using A = kernels::ScaledGemmArithmetic;
  const std::string kb = "k/" + std::to_string(d.block);
  add_variant(d, out, "scales_b=n_major",
              "B's scales read as n x " + kb + " where the tensor is " + kb + " x n",
              [](A& a) { a.b_scales_n_major = true; });
  add_variant(d, out, "short_block=previous_scale",
              "a last block of k % " + std::to_string(d.block) +
                  " elements read with the scale of the block before it",
              [](A& a) { a.short_block_shares_scale = true; });
  add_variant(d, out, "scales=read_blocked",
              "row-major scales read in cuBLAS's blocked layout (the swizzle left out)",
              [](A& a) { a.scales_read_blocked = true; });
  add_variant(d, out, "scales_a=one_row_per_quad",
              "rows 8..15 of each 16-row tile read the scales of rows 0..7 (an mma.sync scale "
              "fragment filled one row per quad of lanes, as B's)",
              [](A& a) { a.a_scales_one_row_per_quad = true; });
  // Only where an instruction reads fewer than the 4 blocks of a column group (not NVFP4's 4X).
  if (kernels::scaled_instruction_row(d).model.block / d.block < 4)
    add_variant(d, out, "scales=id_stuck",
                "every tcgen05.mma of a 4-block scale column group reads its first byte(s) (the "
                "scale factor ID left at 0)",
                [](A& a) { a.scale_id_stuck = true; });
}

void scaled_variants(std::string_view, const Recipe& r, std::vector<Hypothesis>& out) {
  if (!mx_element(r.in)) return;
  using A = kernels::ScaledGemmArithmetic;
  const A declared = kernels::mx_operands(r.in);
  add_variant(declared, out, "scale_bias=128",
              "E8M0 scales read as 2^(e - 128): every block scale halved",
              [](A& a) { a.scale_bias = 128; });
  add_variant(declared, out, "scale_bias=126",
              "E8M0 scales read as 2^(e - 126): every block scale doubled",
              [](A& a) { a.scale_bias = 126; });
  layout_variants(declared, out);
}

void nvfp4_variants(std::string_view, const Recipe& r, std::vector<Hypothesis>& out) {
  if (r.in != Format::e2m1) return;
  using A = kernels::ScaledGemmArithmetic;
  const A declared = kernels::nvfp4_operands();
  add_variant(declared, out, "tensor_scale=inverted",
              "the epilogue multiplies by 1 / (scale_a scale_b): the encode scale where the "
              "decode scale belongs",
              [](A& a) { a.tensor_scale_inverted = true; });
  add_variant(declared, out, "tensor_scale=a_only",
              "the epilogue multiplies by scale_a alone: B's tensor scale dropped",
              [](A& a) { a.tensor_scale_b_dropped = true; });
  add_variant(declared, out, "nibbles_a=swapped",
              "A's packed fp4 pairs read high nibble first (elements 2t and 2t + 1 exchanged)",
              [](A& a) { a.a_nibbles_swapped = true; });
  add_variant(declared, out, "scale_block=32",
              "the UE4M3 scales read one per 32 elements (MXFP4's scale mode)",
              [](A& a) { a.scale_block_read = 32; });
  layout_variants(declared, out);
}

}  // namespace

std::vector<Family> mx_families() {
  return {{.name = "block_scaled",
           .ops = {"mx_gemm"},
           .declared = [](std::string_view, const Recipe& r) -> Model {
             if (!r.block_scaling.block) return {};
             return mx_model({.scaling = r.block_scaling});
           },
           .variants = variants},
          {.name = "scaled_operands",
           .ops = {"scaled_gemm"},
           .declared = [](std::string_view, const Recipe& r) -> Model {
             if (!mx_element(r.in)) return {};
             return scaled_model(kernels::mx_operands(r.in));
           },
           .variants = scaled_variants},
          {.name = "nvfp4_operands",
           .ops = {"nvfp4_gemm"},
           .declared = [](std::string_view, const Recipe& r) -> Model {
             if (r.in != Format::e2m1) return {};
             return scaled_model(kernels::nvfp4_operands());
           },
           .variants = nvfp4_variants}};
}

}  // namespace numguard::explain
