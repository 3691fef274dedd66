#include "kernels_under_test/cpu/tensor_core_algorithm.h"

#include <algorithm>

namespace numguard::kernels {
namespace {

constexpr uint64_t kTf32Pad = 0x1fff;

bool has_tf32_padding(const Tensor& t) {
  return std::any_of(t.bits.begin(), t.bits.end(),
                     [](uint64_t b) { return (b & kTf32Pad) != 0 && !is_nan(Format::tf32, b); });
}

void truncate_tf32(Tensor& t) {
  for (uint64_t& b : t.bits)
    if (!is_nan(Format::tf32, b)) b &= ~kTf32Pad;
}

}  // namespace

Recipe tensor_core_recipe(Format in, Format acc, const tc::TcModel& model) {
  Recipe r;
  r.in = in;
  r.product = std::nullopt;  // exact products
  r.acc = acc;
  r.acc_rounding = model.final_rounding;
  r.shape = {.order = Order::fused_block,
             .block = model.block,
             .frac_bits = model.frac_bits,
             .operand_exponents = model.operand_exponents,
             .zero_exponent = model.zero_exponent,
             .out_frac_bits = model.out_frac_bits};
  r.out = acc;
  r.out_rounding = model.final_rounding;  // the value is already in `out`: no conversion
  return r;
}

void run_tensor_core(const TensorCoreBlocks& algo, const Arithmetic& arith, const Problem& p,
                     Tensor& out) {
  if (arith.in == Format::tf32 && (has_tf32_padding(p.a) || has_tf32_padding(p.b))) {
    Problem q = p;
    truncate_tf32(q.a);
    truncate_tf32(q.b);
    run_reduction(algo, arith, q, out);
    return;
  }
  run_reduction(algo, arith, p, out);
}

}  // namespace numguard::kernels
