#include "kernels_under_test/cpu/scaled_gemm_kernel.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness/core/output_sample.h"
#include "kernels_under_test/cpu/mx_gemm_kernel.h"
#include "references/tensor_core_model.h"

namespace numguard::kernels {
namespace {

const tc::Instruction& instruction(Format element) {
  const tc::Instruction* ins = tc::find_instruction(scaled_instruction(element), "blackwell");
  if (!ins) throw std::logic_error("scaled_gemm: the instruction table lacks its instruction");
  return *ins;
}

}  // namespace

const char* scaled_instruction(Format element) {
  // The instruction mx_gemm runs for the MX format of this element (E8M0 per 32).
  const mx::BlockFormat f{"mx", element, 32, Format::e8m0};
  return mx_instruction(f);
}

Recipe scaled_gemm_recipe(Format element) {
  const tc::Instruction& ins = instruction(element);
  Recipe r;
  r.in = element;
  r.acc = Format::fp32;
  r.acc_rounding = Rounding::rz;
  r.shape = {.order = Order::fused_block,
             .block = ins.model.block,
             .frac_bits = ins.model.frac_bits,
             .operand_exponents = true,
             .zero_exponent = ins.model.zero_exponent};
  r.out = Format::fp32;
  r.out_rounding = Rounding::rz;
  return r;
}

void run_scaled_gemm(const ScaledGemmArithmetic& arith, const Problem& p, Tensor& out) {
  if (p.a.format != arith.element || p.b.format != arith.element)
    throw std::invalid_argument("scaled_gemm: operands are not " +
                                std::string(name(arith.element)));
  tc::TcModel m = instruction(arith.element).model;
  m.operand_emin = m.operand_emin_b = desc(arith.element).emin();
  const int64_t kb = (p.k + 31) / 32;
  // The scale of block b as this kernel reads it.
  const auto read = [&](uint64_t e) -> uint64_t {
    if (arith.scale_bias == 127 || e == 0xff) return e;
    return static_cast<uint64_t>(
        std::clamp<int64_t>(static_cast<int64_t>(e) + 127 - arith.scale_bias, 0, 254));
  };
  const auto block_of = [&](int64_t b) {
    return arith.short_block_shares_scale && p.k % 32 && b == kb - 1 && b > 0 ? b - 1 : b;
  };
  out = Tensor(Format::fp32, {p.m, p.n});
  const OutputSample* sample = current_output_sample();
  std::vector<uint64_t> col(static_cast<size_t>(p.k)), sa(static_cast<size_t>(kb)),
      sb(static_cast<size_t>(kb));
  for (int64_t j = 0; j < p.n; ++j) {
    for (int64_t l = 0; l < p.k; ++l)
      col[static_cast<size_t>(l)] = p.b.bits[static_cast<size_t>(l * p.n + j)];
    for (int64_t b = 0; b < kb; ++b) {
      const int64_t at = arith.b_scales_n_major ? j * kb + block_of(b) : block_of(b) * p.n + j;
      sb[static_cast<size_t>(b)] = read(p.d.bits[static_cast<size_t>(at)]);
    }
    for (int64_t i = 0; i < p.m; ++i) {
      const size_t e = static_cast<size_t>(i * p.n + j);
      if (sample && !sample->wanted(e)) continue;
      for (int64_t b = 0; b < kb; ++b)
        sa[static_cast<size_t>(b)] = read(p.c.bits[static_cast<size_t>(i * kb + block_of(b))]);
      const auto row =
          std::span(p.a.bits).subspan(static_cast<size_t>(i * p.k), static_cast<size_t>(p.k));
      out.bits[e] =
          tc::mma_scaled_dot(m, arith.element, arith.element, row, col, sa, sb, 0, Format::fp32);
    }
  }
}

}  // namespace numguard::kernels
