// The elementwise activations: the declared op (its fp32 formula, activation_math.h) run over
// the case as the CPU kernels run it, and the formula variants of formula_variants.h: an
// intermediate kept in the input format, a two-step output cast, the bias added after the
// activation, softplus without its threshold or without log1p, the other GELU form.
#include <string>
#include <vector>

#include <fmt/format.h>

#include "harness/explain/hypothesis.h"
#include "kernels_under_test/cpu/formula_variants.h"

namespace numguard::explain {
namespace {

using kernels::ElementFn;
namespace v = kernels::variants;

ElementFn op_fn(std::string_view op) {
  if (op == "softplus") return kernels::act::softplus;
  return kernels::activation_fn(op);
}

Model rows(ElementFn f, bool backward, uint64_t (*cast)(float, Format) = nullptr) {
  return [f, backward, cast](const Problem& p, Tensor& y) {
    kernels::activation_rows(f, backward, p, y, cast);
  };
}

template <Format F>
struct Staged {
  static constexpr Format kFormat = F;
  static constexpr ElementFn cube = v::gelu_tanh_staged_cube<F>;
  static constexpr ElementFn one_minus = v::silu_grad_staged_one_minus<F>;
  static constexpr uint64_t (*cast)(float, Format) = v::cast_through<F>;
};

// The same variant for each narrow format F, tagged "<tag>=F".
template <class Make>
void for_narrow(std::vector<Hypothesis>& out, const char* tag, Make make) {
  const auto one = [&]<Format F>() {
    auto [what, model] = make(Staged<F>{});
    if (model)
      out.push_back({fmt::format("{}={}", tag, name(F)), std::move(what), std::move(model)});
  };
  one.template operator()<Format::fp16>();
  one.template operator()<Format::bf16>();
}

void variants(std::string_view op, const Recipe& r, std::vector<Hypothesis>& out) {
  const bool bw = kernels::is_backward(op);
  if (op == "gelu_tanh")
    for_narrow(out, "intermediate", [](auto s) {
      return std::pair{fmt::format("t^3 and 0.044715 t^3 rounded to {} (the polynomial in a "
                                   "narrow format)",
                                   name(decltype(s)::kFormat)),
                       rows(decltype(s)::cube, false)};
    });
  if (op == "silu_backward")
    for_narrow(out, "intermediate", [](auto s) {
      return std::pair{fmt::format("1 - sigmoid(t) rounded to {}", name(decltype(s)::kFormat)),
                       rows(decltype(s)::one_minus, true)};
    });
  const ElementFn f = op_fn(op);
  for_narrow(out, "output_double_rounding", [&](auto s) {
    constexpr Format F = decltype(s)::kFormat;
    if (desc(r.out).precision >= desc(F).precision) return std::pair{std::string(), Model{}};
    return std::pair{
        fmt::format("the output cast goes fp32 -> {} -> {} (two roundings)", name(F), name(r.out)),
        rows(f, bw, decltype(s)::cast)};
  });
  if (desc(r.out).precision < 24) {
    const auto rounding = [&](Rounding m, uint64_t (*cast)(float, Format)) {
      out.push_back({fmt::format("out_rounding={}", name(m)),
                     fmt::format("the output conversion to {} rounds {} instead of to nearest even",
                                 name(r.out), name(m)),
                     rows(f, bw, cast)});
    };
    rounding(Rounding::rz, v::cast_rounding<Rounding::rz>);
    rounding(Rounding::rd, v::cast_rounding<Rounding::rd>);
    rounding(Rounding::ru, v::cast_rounding<Rounding::ru>);
    rounding(Rounding::rna, v::cast_rounding<Rounding::rna>);
  }
  if (!bw)
    out.push_back({"bias_after_activation", "the bias is added after the activation: f(x) + b",
                   [f](const Problem& p, Tensor& y) { v::bias_after_activation_rows(f, p, y); }});
  if (op == "softplus") {
    out.push_back({"softplus_no_threshold",
                   "log1p(exp(t)) without the t > 20 threshold (exp overflows beyond 88.7)",
                   rows(v::softplus_no_threshold, false)});
    out.push_back({"log_of_one_plus", "log(1 + exp(t)) instead of log1p(exp(t))",
                   rows(v::softplus_log_of_one_plus, false)});
  }
  const auto other_form = [&](const char* tag, const char* what, const char* other) {
    out.push_back({tag, what, rows(kernels::activation_fn(other), bw)});
  };
  if (op == "gelu") {
    other_form("gelu_tanh_form", "GELU by the tanh approximation", "gelu_tanh");
    out.push_back({"gelu_one_plus_erf",
                   "GELU as 0.5 t (1 + erf(t / sqrt 2)): 1 + erf cancels for negative t",
                   rows(v::gelu_one_plus_erf, false)});
  }
  if (op == "gelu_tanh") other_form("gelu_erf_form", "GELU by erf (not the tanh form)", "gelu");
  if (op == "gelu_backward")
    other_form("gelu_tanh_form", "GELU' by the tanh approximation", "gelu_tanh_backward");
  if (op == "gelu_tanh_backward")
    other_form("gelu_erf_form", "GELU' by erf (not the tanh form)", "gelu_backward");
}

}  // namespace

std::vector<Family> activation_families() {
  return {{.name = "activation",
           .ops = {"gelu", "gelu_tanh", "silu", "gelu_backward", "gelu_tanh_backward",
                   "silu_backward", "exp", "softplus"},
           .declared = [](std::string_view op,
                          const Recipe&) { return rows(op_fn(op), kernels::is_backward(op)); },
           .variants = variants}};
}

}  // namespace numguard::explain
