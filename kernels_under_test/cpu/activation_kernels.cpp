// Activation and exp CPU kernels: fp32 arithmetic on fp16, bf16 and fp32 inputs, output in the
// input format, plus silu with an fp8 e4m3 output (the fp32 result rounded once, RNE, OCP
// e4m3fn semantics: beyond 464 the conversion gives NaN, no saturation).
#include "kernels_under_test/cpu/activation.h"

#include "kernels_under_test/cpu/activation_math.h"
#include "kernels_under_test/cpu/row_kernel.h"

namespace numguard::kernels {

ElementFn activation_fn(std::string_view op) {
  if (op == "gelu") return act::gelu;
  if (op == "gelu_tanh") return act::gelu_tanh;
  if (op == "silu") return act::silu;
  if (op == "exp") return [](float x) { return fp32math::exp(x); };
  if (op == "gelu_backward") return act::gelu_grad;
  if (op == "gelu_tanh_backward") return act::gelu_tanh_grad;
  if (op == "silu_backward") return act::silu_grad;
  return nullptr;
}

bool is_backward(std::string_view op) {
  return op.ends_with("_backward");
}

Recipe activation_recipe(std::string_view op, Format in, Format out) {
  // erfc's figure is the larger; the gelu kernels declare it for exp too.
  const double ulps = op.starts_with("gelu") && !op.starts_with("gelu_tanh")
                          ? fp32math::kErfcUlps
                          : fp32math::kExpLogUlps;
  return row_recipe({.in = in, .out = out, .method = Method::direct, .math_ulps = ulps});
}

void activation_rows(ElementFn f, bool backward, const Problem& p, Tensor& out,
                     uint64_t (*cast)(float, Format)) {
  const std::vector<float> x = to_floats(p.a);
  const std::vector<float> b = to_floats(p.b);
  const std::vector<float> dy = backward ? to_floats(p.c) : std::vector<float>{};
  const std::vector<uint8_t> rows = sampled_rows(p.m, p.n);
  for (int64_t r = 0; r < p.m; ++r)
    for (int64_t j = 0; j < p.n && wanted_row(rows, r); ++j) {
      const auto i = static_cast<size_t>(r * p.n + j);
      const float t = b.empty() ? x[i] : x[i] + b[static_cast<size_t>(j)];
      const float y = backward ? dy[i] * f(t) : f(t);
      out.bits[i] = cast ? cast(y, out.format) : from_float(y, out.format);
    }
}

namespace {

void declare(std::string_view op, Format in, Format out, std::string_view algorithm) {
  const Recipe rc = activation_recipe(op, in, out);
  const ElementFn f = activation_fn(op);
  const bool bw = is_backward(op);
  register_row_kernel(row_kernel_name(op, in, algorithm), std::string(op), rc,
                      [f, bw](const Problem& p, Tensor& y) { activation_rows(f, bw, p, y); });
}

const bool registered = [] {
  for (std::string_view op :
       {"gelu", "gelu_tanh", "silu", "gelu_backward", "gelu_tanh_backward", "silu_backward", "exp"})
    for (Format in : {Format::fp16, Format::bf16, Format::fp32}) declare(op, in, in, "direct");
  declare("silu", Format::fp16, Format::e4m3, "e4m3out");
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
