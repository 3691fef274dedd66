#include "harness/engine/ops/tensor_core_conformance.h"

#include <vector>

#include "harness/core/output_sample.h"
#include "references/tensor_core_model.h"

namespace numguard::ops {

std::optional<Tensor> model_output(const Recipe& r, const Problem& p) {
  // The model covers the block-FMA chain itself; the epilogue (alpha, beta) and a further
  // output cast are checked by the bound alone.
  // Rounded or flushed products are not part of the model: the bound judges those alone.
  if (r.shape.order != Order::fused_block || r.out != r.acc || p.alpha != 1.0 || p.beta != 0.0 ||
      r.product || r.ftz.any())
    return std::nullopt;
  // An input cast (fp32 operands rounded to tf32) feeds the block the cast operands.
  const Format in = r.input_cast.value_or(r.in);
  auto operand = [&](uint64_t bits) {
    if (!r.input_cast) return bits;
    return convert(r.in, bits, in, {.mode = r.input_cast_rounding}).bits;
  };
  const tc::TcModel model{.block = r.shape.block,
                          .frac_bits = r.shape.frac_bits,
                          .final_rounding = r.acc_rounding,
                          .operand_exponents = r.shape.operand_exponents,
                          .operand_emin = tc::operand_emin(in),
                          .zero_exponent = r.shape.zero_exponent,
                          .out_frac_bits = r.shape.out_frac_bits};
  Tensor out(r.out, {p.m, p.n});
  std::vector<uint64_t> row(static_cast<size_t>(p.k)), col(static_cast<size_t>(p.k));
  const OutputSample* sample = current_output_sample();  // only the verified elements
  for (int64_t i = 0; i < p.m; ++i)
    for (int64_t j = 0; j < p.n; ++j) {
      if (sample && !sample->wanted(static_cast<size_t>(i * p.n + j))) continue;
      for (int64_t l = 0; l < p.k; ++l) {
        row[static_cast<size_t>(l)] = operand(p.a.bits[static_cast<size_t>(i * p.k + l)]);
        col[static_cast<size_t>(l)] = operand(p.b.bits[static_cast<size_t>(l * p.n + j)]);
      }
      out.bits[static_cast<size_t>(i * p.n + j)] =
          tc::mma_dot(model, in, row, col, /*c_bits=*/0, r.acc);
    }
  return out;
}

}  // namespace numguard::ops
