#include "harness/engine/ops/reduction_judge.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "harness/core/output_sample.h"
#include "harness/engine/bound.h"
#include "harness/engine/ops/reduction_reference.h"
#include "harness/engine/ops/tensor_core_conformance.h"
#include "references/tensor_core_model.h"

namespace numguard::ops {

// Operand-exponent alignment (H100 mma.sync) reads a subnormal operand at the input's emin,
// so its product is aligned up to min_normal / |x| times higher than its size. Per output
// element: only row i of A and column j of B feed element (i, j).
double align_inflation(const Recipe& r, const Problem& p, int64_t i, int64_t j) {
  const bool fused = r.shape.order == Order::fused_block ||
                     (r.shape.order == Order::split_k && r.shape.frac_bits > 0);
  if (!fused || !r.shape.operand_exponents) return 1.0;
  // The exponent the rule counts such an operand at (fp4 / fp6: their own; tensor_core_model.h).
  const double min_normal = std::ldexp(1.0, tc::operand_emin(r.input_cast.value_or(r.in)));
  double worst = 1.0;
  auto see = [&](const Tensor& t, size_t idx) {
    const double v = std::fabs(t.value(idx));
    if (v != 0 && v < min_normal) worst = std::max(worst, min_normal / v);
  };
  for (int64_t l = 0; l < p.k; ++l) {
    see(p.a, static_cast<size_t>(i * p.k + l));
    if (!p.b.empty()) see(p.b, static_cast<size_t>(l * p.n + j));
  }
  return worst;
}

namespace {

bool max_abs_input_exceeds(const Problem& p, double limit, bool finite_only) {
  for (const Tensor* t : {&p.a, &p.b}) {
    for (size_t i = 0; i < t->size(); ++i) {
      const double v = t->value(i);
      if (!std::isfinite(v) && finite_only) return true;
      if (std::isfinite(v) && std::fabs(v) > limit) return true;
    }
  }
  return false;
}

// Why one output element lies outside the domain, or "": a reduction promises nothing once
// the absolute sum of its terms can overflow the accumulator, a stored partial or a rounded
// product (intermediate overflow is a consequence of the declared formats, not a bug). Judged
// per element, so one overflowing element does not hide a failure in another.
std::string element_domain_reason(const Recipe& r, const BoundModel& m, const ElementReference& e) {
  // The accumulator holds the unscaled sum; the epilogue then forms alpha * acc + beta * c.
  const double grown = std::max(e.acc_abs, e.sum_abs) * (1 + m.phi);
  if (grown > desc(r.acc).max_finite())
    return "partial sums may overflow " + std::string(name(r.acc));
  if (r.shape.order == Order::split_k && grown > desc(r.shape.partial).max_finite())
    return "split-K partials may overflow " + std::string(name(r.shape.partial));
  if (r.product && e.max_abs_term > desc(*r.product).max_finite())
    return "products overflow " + std::string(name(*r.product));
  return "";
}

// An input's exact value and bits: "0.5 (0x3800)". Every value of every format is a double,
// and the shortest decimal that reads back to that double names it exactly.
std::string value_text(Format f, uint64_t bits) {
  return fmt::format("{} (0x{:0{}x})", decode(f, bits), bits, desc(f).storage_bits / 4);
}

// Beyond this many inputs a terminal listing stops being readable.
constexpr size_t kInlineInputs = 16;

// y = alpha * (a b) + beta * c taken literally (AlphaBeta::arithmetic): a zero alpha or beta
// times a non-finite value is NaN, where BLAS (the exact reference's convention) skips the
// operand. Applied to element (i, j) of a gemm's reference.
bool arithmetic_nan(const Problem& p, int64_t i, int64_t j) {
  auto nonfinite = [](const Tensor& t, size_t idx) { return !std::isfinite(t.value(idx)); };
  if (p.alpha == 0)
    for (int64_t l = 0; l < p.k; ++l)
      if (nonfinite(p.a, static_cast<size_t>(i * p.k + l)) ||
          nonfinite(p.b, static_cast<size_t>(l * p.n + j)))
        return true;
  return p.beta == 0 && !p.c.empty() && nonfinite(p.c, static_cast<size_t>(i * p.n + j));
}

}  // namespace

std::string reduction_case_domain(const Recipe& r, const Problem& p) {
  if (max_abs_input_exceeds(p, r.domain.max_abs_input, r.domain.finite_inputs_only))
    return "input outside promised range";
  if (r.domain.normal_inputs_only) {
    const double min_normal = desc(r.in).min_normal();
    for (const Tensor* t : {&p.a, &p.b})
      for (size_t i = 0; i < t->size(); ++i) {
        const double v = std::fabs(t->value(i));
        if (v != 0 && v < min_normal) return "subnormal input (promised: normal inputs only)";
      }
  }
  if (r.domain.alpha_scales_inputs) {
    const double limit = desc(r.acc).max_finite() / std::max(std::fabs(p.alpha), 1e-300);
    for (const Tensor* t : {&p.a, &p.b})
      for (size_t i = 0; i < t->size(); ++i) {
        const double v = std::fabs(t->value(i));
        if (std::isfinite(v) && v > limit)
          return "alpha * input overflows " + std::string(name(r.acc));
      }
  }
  if (r.input_cast) {  // the cast itself must neither overflow nor underflow
    const FormatDesc& c = desc(*r.input_cast);
    for (const Tensor* t : {&p.a, &p.b})
      for (size_t i = 0; i < t->size(); ++i) {
        const double v = std::fabs(t->value(i));
        if (std::isfinite(v) && (v > c.max_finite() || (v != 0 && v < c.min_normal())))
          return "inputs leave the range of " + std::string(name(*r.input_cast));
      }
  }
  if (r.shape.order == Order::compensated &&
      static_cast<double>(p.k) * desc(r.acc).unit_roundoff() > 1.0 / 64)
    return "compensated summation's bound 3u + 4nu^2 is first-order: promised for n u <= 1/64";
  return "";
}

std::vector<OpElement> judge_reduction(const ReductionForm& f, const Recipe& r, const Problem& p) {
  // Sampled verification (output_sample.h): only the sampled elements, in their order.
  const OutputSample* sample = current_output_sample();
  const std::vector<size_t>* elements = sample ? &sample->indices() : nullptr;
  const std::vector<ElementReference> refs =
      reduction_reference(p, f.has_b, !f.has_b && f.quadratic, elements);
  const bool epilogue = f.gemm && (p.alpha != 1.0 || p.beta != 0.0);
  const BoundModel base = derive_bound(r, p.k, epilogue, std::fabs(p.alpha));
  const std::string case_reason = reduction_case_domain(r, p);
  const std::optional<Tensor> model = f.has_b ? model_output(r, p) : std::nullopt;
  const int64_t cols = f.has_b ? p.n : 1;
  std::vector<OpElement> out;
  out.reserve(refs.size());
  for (size_t at = 0; at < refs.size(); ++at) {
    const size_t i = elements ? (*elements)[at] : at;
    const int64_t row = static_cast<int64_t>(i) / cols, col = static_cast<int64_t>(i) % cols;
    const double inflation = align_inflation(r, p, row, col);
    const BoundModel m =
        inflation == 1.0 ? base : derive_bound(r, p.k, epilogue, std::fabs(p.alpha), inflation);
    const ElementReference& ref = refs[at];
    OpElement e;
    e.value = ref.value;
    e.exact = ref.exact;
    if (f.gemm && r.alpha_beta == AlphaBeta::arithmetic && arithmetic_nan(p, row, col)) {
      e.value = std::numeric_limits<double>::quiet_NaN();
      e.exact = Unpacked{.kind = Unpacked::Kind::nan};
    }
    const double ay = std::fabs(ref.value);
    e.bound = element_bound(m, ref.sum_abs, ay);
    e.estimate = probabilistic_bound(m, ref.sum_abs, ay);
    e.out_cast = m.out_cast;
    e.scale = ref.sum_abs;
    e.domain = case_reason.empty() ? element_domain_reason(r, m, ref) : case_reason;
    if (model) e.model_bits = model->bits[i];
    out.push_back(std::move(e));
  }
  return out;
}

ElementInputs describe_reduction(const Problem& p, size_t element) {
  const int64_t cols = std::max<int64_t>(p.n, 1);
  const int64_t row = static_cast<int64_t>(element) / cols;
  const int64_t col = static_cast<int64_t>(element) % cols;
  const size_t count = static_cast<size_t>(p.k) * (p.b.empty() ? 1 : 2) + (p.c.empty() ? 0 : 1);
  ElementInputs in;
  in.where = fmt::format(" (row {}, col {})", row, col);
  in.complete = count <= kInlineInputs;
  const int64_t terms =
      in.complete ? p.k : std::min<int64_t>(static_cast<int64_t>(kInlineInputs / 2), p.k);
  std::vector<std::string> a(static_cast<size_t>(terms));
  size_t width = 8;
  for (int64_t j = 0; j < terms; ++j) {
    a[static_cast<size_t>(j)] =
        value_text(p.a.format, p.a.bits[static_cast<size_t>(row * p.k + j)]);
    width = std::max(width, a[static_cast<size_t>(j)].size() + 2);
  }
  std::string& s = in.text;
  s = in.complete ? fmt::format("{} values feed it:\n", count)
                  : fmt::format("{} values feed it; the first terms:\n", count);
  const std::string a_head = fmt::format("a[{}, j]", row);
  s += p.b.empty() ? fmt::format("  {:>4}  {}\n", "j", a_head)
                   : fmt::format("  {:>4}  {:<{}}b[j, {}]\n", "j", a_head, width, col);
  for (int64_t j = 0; j < terms; ++j) {
    const std::string& aj = a[static_cast<size_t>(j)];
    if (p.b.empty())
      s += fmt::format("  {:>4}  {}\n", j, aj);
    else
      s += fmt::format("  {:>4}  {:<{}}{}\n", j, aj, width,
                       value_text(p.b.format, p.b.bits[static_cast<size_t>(j * p.n + col)]));
  }
  if (terms < p.k) s += fmt::format("  ... {} more terms\n", p.k - terms);
  if (!p.c.empty())
    s += fmt::format("  c[{}, {}] = {}\n", row, col,
                     value_text(p.c.format, p.c.bits[static_cast<size_t>(row * p.n + col)]));
  if (!s.empty() && s.back() == '\n') s.pop_back();
  return in;
}

}  // namespace numguard::ops
