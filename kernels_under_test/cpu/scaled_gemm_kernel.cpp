#include "kernels_under_test/cpu/scaled_gemm_kernel.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness/core/output_sample.h"
#include "kernels_under_test/cpu/mx_gemm_kernel.h"
#include "references/mx_block.h"
#include "references/tensor_core_model.h"

namespace numguard::kernels {
namespace {

// Scale byte `at` of a scale tensor; past its end, a zero byte (what a kernel reading a
// padded layout from an unpadded buffer meets in a zeroed allocation).
uint64_t scale_byte(const Tensor& t, int64_t at) {
  return at < static_cast<int64_t>(t.bits.size()) ? t.bits[static_cast<size_t>(at)] : 0;
}

}  // namespace

ScaledGemmArithmetic mx_operands(Format element) {
  return {.element = element};
}

ScaledGemmArithmetic nvfp4_operands() {
  return {.element = Format::e2m1, .scale = Format::ue4m3, .block = 16};
}

const tc::Instruction& scaled_instruction_row(const ScaledGemmArithmetic& a) {
  const tc::Instruction* ins = nullptr;
  if (!a.instruction.empty()) {
    ins = tc::find_instruction(a.instruction, a.arch);
  } else if (a.arch == "blackwell") {
    ins = tc::find_instruction(scaled_instruction(a), "blackwell");
  } else {  // the row of a.arch for these elements and scales
    for (const tc::Instruction& row : tc::tc_instructions())
      if (row.arch == a.arch && row.a == a.element && row.b == a.element &&
          row.out == Format::fp32 && row.model.scale == a.scale &&
          row.model.scale_block == a.block &&
          (row.model.path == tc::Datapath::scaled || row.model.path == tc::Datapath::group_scaled))
        ins = ins ? ins : &row;
  }
  if (!ins) throw std::logic_error("scaled_gemm: the instruction table lacks its instruction");
  return *ins;
}

const char* scaled_instruction(const ScaledGemmArithmetic& a) {
  // The instruction mx_gemm runs for the same block format.
  const mx::BlockFormat f{"", a.element, a.block, a.scale};
  return mx_instruction(f);
}

Recipe scaled_gemm_recipe(const ScaledGemmArithmetic& a) {
  const tc::Instruction& ins = scaled_instruction_row(a);
  Recipe r;
  r.in = a.element;
  r.acc = Format::fp32;
  r.acc_rounding = Rounding::rz;
  r.shape = {.order = Order::fused_block,
             .block = ins.model.block,
             .frac_bits = ins.model.frac_bits,
             .operand_exponents = true,
             .zero_exponent = ins.model.zero_exponent,
             .scale_group = ins.model.group};
  r.out = Format::fp32;
  r.out_rounding = Rounding::rz;
  return r;
}

void run_scaled_gemm(const ScaledGemmArithmetic& arith, const Problem& p, Tensor& out) {
  if (p.a.format != arith.element || p.b.format != arith.element)
    throw std::invalid_argument("scaled_gemm: operands are not " +
                                std::string(name(arith.element)));
  const bool nvfp4 = arith.scale == Format::ue4m3;
  if (nvfp4 && p.scalars.size() != 2)
    throw std::invalid_argument("nvfp4_gemm: the two tensor scales are missing");
  tc::TcModel m = scaled_instruction_row(arith).model;
  m.operand_emin = m.operand_emin_b = tc::operand_emin(arith.element);
  m.zero_group_at_scales = arith.zero_group_at_scales;
  const int64_t bl = arith.block;
  const int64_t kb = (p.k + bl - 1) / bl;
  // The scale of block b as this kernel reads it.
  const auto read = [&](uint64_t e) -> uint64_t {
    if (arith.scale != Format::e8m0 || arith.scale_bias == 127 || e == 0xff) return e;
    return static_cast<uint64_t>(
        std::clamp<int64_t>(static_cast<int64_t>(e) + 127 - arith.scale_bias, 0, 254));
  };
  // The scale index this kernel reads for block b (the instruction's own count of blocks).
  const int64_t per_instruction = std::max<int64_t>(1, m.block / bl);
  const auto block_of = [&](int64_t b) {
    if (arith.scale_id_stuck) return b / 4 * 4 + b % per_instruction;
    if (arith.scale_block_read > 0) return b * bl / arith.scale_block_read;
    return arith.short_block_shares_scale && p.k % bl && b == kb - 1 && b > 0 ? b - 1 : b;
  };
  // The epilogue's multiplier (NVFP4: the tensor scales, an fp32 product).
  double alpha = 1.0;
  if (nvfp4) {
    const double sb = arith.tensor_scale_b_dropped ? 1.0 : p.scalars[1];
    alpha = round_value(Format::fp32, p.scalars[0] * sb);
    if (arith.tensor_scale_inverted) alpha = round_value(Format::fp32, 1.0 / alpha);
  }
  out = Tensor(Format::fp32, {p.m, p.n});
  const OutputSample* sample = current_output_sample();
  std::vector<uint64_t> col(static_cast<size_t>(p.k)), row(static_cast<size_t>(p.k)),
      sa(static_cast<size_t>(kb)), sb(static_cast<size_t>(kb));
  for (int64_t j = 0; j < p.n; ++j) {
    for (int64_t l = 0; l < p.k; ++l)
      col[static_cast<size_t>(l)] = p.b.bits[static_cast<size_t>(l * p.n + j)];
    for (int64_t b = 0; b < kb; ++b) {
      const int64_t at = arith.scales_read_blocked ? mx::blocked_scale_index(j, block_of(b), kb)
                         : arith.b_scales_n_major  ? j * kb + block_of(b)
                                                   : block_of(b) * p.n + j;
      sb[static_cast<size_t>(b)] = read(scale_byte(p.d, at));
    }
    for (int64_t i = 0; i < p.m; ++i) {
      const size_t e = static_cast<size_t>(i * p.n + j);
      if (sample && !sample->wanted(e)) continue;
      const int64_t si = arith.a_scales_one_row_per_quad && i % 16 >= 8 ? i - 8 : i;
      for (int64_t b = 0; b < kb; ++b)
        sa[static_cast<size_t>(b)] = read(
            scale_byte(p.c, arith.scales_read_blocked ? mx::blocked_scale_index(si, block_of(b), kb)
                                                      : si * kb + block_of(b)));
      std::copy_n(p.a.bits.begin() + i * p.k, p.k, row.begin());
      if (arith.a_nibbles_swapped)  // two fp4 per byte, read in the other order
        for (size_t l = 0; l + 1 < row.size(); l += 2) std::swap(row[l], row[l + 1]);
      uint64_t d =
          tc::mma_scaled_dot(m, arith.element, arith.element, row, col, sa, sb, 0, Format::fp32);
      if (nvfp4)  // the fp32 epilogue: D = alpha * acc, nearest even
        d = round_double(Format::fp32, decode(Format::fp32, d) * alpha).bits;
      out.bits[e] = d;
    }
  }
}

}  // namespace numguard::kernels
