#include "kernels_under_test/cpu/twin_kernels.h"

#include <utility>

namespace numguard::kernels {

Recipe mma_gemm_recipe(std::string_view arch, Format in, Format acc) {
  return tensor_core_recipe(in, acc, twin_tc_model(arch, in, acc));
}

void run_mma_gemm(std::string_view arch, Format in, Format acc, const Problem& p, Tensor& out) {
  const TensorCoreBlocks algo{.model = twin_tc_model(arch, in, acc), .acc = acc};
  const Arithmetic arith{.in = in, .acc = acc, .out = acc};
  run_tensor_core(algo, arith, p, out);
}

Recipe mma_splitk_recipe(std::string_view arch, Format in, int splits) {
  const tc::TcModel model = twin_tc_model(arch, in, Format::fp32);
  Recipe r = tensor_core_recipe(in, Format::fp32, model);
  r.shape = {.order = Order::split_k,
             .block = model.block,
             .splits = splits,
             .partial = Format::fp32,
             .frac_bits = model.frac_bits,
             .operand_exponents = model.operand_exponents,
             .zero_exponent = model.zero_exponent};
  return r;
}

void run_mma_splitk(std::string_view arch, int splits, bool fp16_partials, const Problem& p,
                    Tensor& out) {
  const MmaSplitK algo{.model = twin_tc_model(arch, Format::fp16, Format::fp32),
                       .splits = splits,
                       .fp16_partials = fp16_partials};
  const Arithmetic arith{.in = Format::fp16, .acc = Format::fp32, .out = Format::fp32};
  run_reduction(algo, arith, p, out);
}

namespace {

// The chain of blocks over whole 32-wide K tiles only.
struct MmaWithoutKTail {
  tc::TcModel model;
  template <class R, bool P>
  double operator()(const R&, const Terms<P>& t) const {
    if constexpr (!P) {
      throw std::logic_error("tensor-core kernels reduce products, not sums");
    } else {
      const auto k = static_cast<size_t>(t.k - t.k % 32);  // the bug
      return tc::mma_dot_values(model, std::span(t.a, k), std::span(t.b, k), 0.0, Format::fp32);
    }
  }
};

}  // namespace

void run_mma_gemm_dropping_k_tail(std::string_view arch, Format in, const Problem& p, Tensor& out) {
  const MmaWithoutKTail algo{.model = twin_tc_model(arch, in, Format::fp32)};
  const Arithmetic arith{.in = in, .acc = Format::fp32, .out = Format::fp32};
  run_reduction(algo, arith, p, out);
}

Recipe strided_recipe(std::string_view op, Format in, int lanes) {
  return reduction_recipe(op, in, Format::fp32, {.order = Order::strided, .lanes = lanes},
                          /*fuses_products=*/true, Format::fp32);
}

void run_strided(const StridedButterfly& algo, std::string_view op, Format in, const Problem& p,
                 Tensor& out) {
  const Arithmetic arith{.sum = op != "dot", .in = in, .acc = Format::fp32, .out = Format::fp32};
  run_reduction(algo, arith, p, out);
}

KernelDesc twin_kernel(std::string cuda_name, std::string_view op, Recipe recipe, KernelFn run) {
  KernelDesc d = cpu_kernel(cuda_name + ".twin", op, std::move(recipe), std::move(run));
  d.twin_of = std::move(cuda_name);
  return d;
}

void register_twin(std::string cuda_name, std::string_view op, Recipe recipe, KernelFn run) {
  register_kernel(twin_kernel(std::move(cuda_name), op, std::move(recipe), std::move(run)));
}

}  // namespace numguard::kernels
