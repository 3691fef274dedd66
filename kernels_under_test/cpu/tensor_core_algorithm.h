// The tensor-core model as a reduction algorithm: the terms of one output element go through
// chained fused blocks (tensor_core_model.h) starting from C = +0, so the kernels that use
// it share the decoding, epilogue and output of reduction_kernel.h. The epilogue
// (alpha, beta) then runs in the accumulation format with RNE, as a CUDA-core epilogue does.
#pragma once

#include <span>
#include <stdexcept>
#include <string_view>

#include "kernels_under_test/cpu/reduction_kernel.h"
#include "references/tensor_core_model.h"

namespace numguard::kernels {

struct TensorCoreBlocks {
  tc::TcModel model;
  Format acc = Format::fp32;  // the model's output (accumulator) format

  Accumulation shape() const {
    return {.order = Order::fused_block,
            .block = model.block,
            .frac_bits = model.frac_bits,
            .operand_exponents = model.operand_exponents,
            .zero_exponent = model.zero_exponent,
            .out_frac_bits = model.out_frac_bits};
  }

  template <class R, bool P>
  double operator()(const R&, const Terms<P>& t) const {
    if constexpr (!P) {
      throw std::logic_error("tensor-core kernels reduce products, not sums");
    } else {
      const auto k = static_cast<size_t>(t.k);
      return tc::mma_dot_values(model, std::span(t.a, k), std::span(t.b, k), 0.0, acc);
    }
  }
};

// The recipe a tensor-core kernel declares for `model` (in -> acc, final rounding).
Recipe tensor_core_recipe(Format in, Format acc, const tc::TcModel& model);

// Runs the model over a problem; tf32 operands with nonzero low container bits are read
// truncated, as mma_dot reads them.
void run_tensor_core(const TensorCoreBlocks& algo, const Arithmetic& arith, const Problem& p,
                     Tensor& out);

}  // namespace numguard::kernels
