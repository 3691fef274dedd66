#include "kernels_under_test/cpu/mx_gemm_kernel.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>

#include "harness/core/output_sample.h"
#include "harness/core/rounding.h"
#include "references/tensor_core_model.h"

namespace numguard::kernels {
namespace {

// Re-quantizes q's elements the way a mutant does: without saturation, or rounding V to the
// element format before dividing by the block's scale.
void replant(mx::Quantized& q, std::span<const double> v, bool saturate, bool after) {
  const mx::BlockFormat& f = *q.format;
  for (size_t i = 0; i < v.size(); ++i) {
    const double s = decode(f.scale, q.scales[i / static_cast<size_t>(f.block)]) * q.tensor_scale;
    if (std::isnan(s) || s == 0) continue;
    RoundOptions o;
    o.saturate = saturate;
    double x = v[i] / s;
    if (after) x = round_value(f.element, v[i]) / s;
    q.elements[i] = round_double(f.element, x, o).bits;
  }
}

}  // namespace

const char* mx_instruction(const mx::BlockFormat& f) {
  if (f.scale == Format::ue4m3) return "tcgen05.mma.kind::mxf4nvf4.block16.f32.e2m1.e2m1.ue4m3";
  switch (f.element) {
    case Format::e4m3:
      return "tcgen05.mma.kind::mxf8f6f4.block32.f32.e4m3.e4m3";
    case Format::e5m2:
      return "tcgen05.mma.kind::mxf8f6f4.block32.f32.e5m2.e5m2";
    case Format::e3m2:
      return "tcgen05.mma.kind::mxf8f6f4.block32.f32.e3m2.e3m2";
    case Format::e2m3:
      return "tcgen05.mma.kind::mxf8f6f4.block32.f32.e2m3.e2m3";
    case Format::e2m1:
      return "tcgen05.mma.kind::mxf4.block32.f32.e2m1.e2m1";
    default:
      throw std::invalid_argument("mx_gemm: no block-scaled instruction takes " +
                                  std::string(name(f.element)));
  }
}

Recipe mx_gemm_recipe(Format in, const mx::BlockFormat& f, bool scale_up) {
  const tc::Instruction* ins = tc::find_instruction(mx_instruction(f), "blackwell");
  if (!ins) throw std::logic_error("mx_gemm: the instruction table lacks its instruction");
  Recipe r;
  r.in = in;
  r.acc = Format::fp32;
  r.acc_rounding = Rounding::rz;
  r.shape = {.order = Order::fused_block,
             .block = ins->model.block,
             .frac_bits = ins->model.frac_bits,
             .operand_exponents = true,
             .zero_exponent = ins->model.zero_exponent,
             .scale_group = ins->model.group};
  r.out = Format::fp32;
  r.out_rounding = Rounding::rz;
  r.block_scaling = {
      .block = f.block, .element = f.element, .scale = f.scale, .scale_up = scale_up};
  return r;
}

void run_mx_gemm(const MxGemmArithmetic& arith, const Problem& p, Tensor& out) {
  const mx::BlockFormat& f = mx::block_format_of(arith.scaling);
  const tc::Instruction* ins = tc::find_instruction(mx_instruction(f), "blackwell");
  if (!ins) throw std::logic_error("mx_gemm: the instruction table lacks its instruction");
  tc::TcModel m = ins->model;
  m.operand_emin = m.operand_emin_b = tc::operand_emin(f.element);
  m.zero_group_at_scales = arith.zero_group_at_scales;
  mx::GemmOperands q = mx::quantize_gemm(arith.scaling, p);
  if (!arith.saturate || arith.scale_after_rounding) {
    std::vector<double> v(static_cast<size_t>(p.k));
    for (int64_t i = 0; i < p.m; ++i) {
      for (int64_t l = 0; l < p.k; ++l)
        v[static_cast<size_t>(l)] = p.a.value(static_cast<size_t>(i * p.k + l));
      replant(q.rows[static_cast<size_t>(i)], v, arith.saturate, arith.scale_after_rounding);
    }
    for (int64_t j = 0; j < p.n; ++j) {
      for (int64_t l = 0; l < p.k; ++l)
        v[static_cast<size_t>(l)] = p.b.value(static_cast<size_t>(l * p.n + j));
      replant(q.cols[static_cast<size_t>(j)], v, arith.saturate, arith.scale_after_rounding);
    }
  }
  out = Tensor(Format::fp32, {p.m, p.n});
  const OutputSample* sample = current_output_sample();
  for (int64_t i = 0; i < p.m; ++i)
    for (int64_t j = 0; j < p.n; ++j) {
      const size_t e = static_cast<size_t>(i * p.n + j);
      if (sample && !sample->wanted(e)) continue;
      const mx::Quantized& r = q.rows[static_cast<size_t>(i)];
      const mx::Quantized& c = q.cols[static_cast<size_t>(j)];
      uint64_t d = tc::mma_scaled_dot(m, f.element, f.element, r.elements, c.elements, r.scales,
                                      c.scales, 0, Format::fp32);
      if (r.tensor_scale != 1.0 || c.tensor_scale != 1.0) {  // NVFP4's epilogue, in fp32
        const double ts = round_value(Format::fp32, r.tensor_scale * c.tensor_scale);
        d = round_double(Format::fp32, decode(Format::fp32, d) * ts).bits;
      }
      out.bits[e] = d;
    }
}

}  // namespace numguard::kernels
