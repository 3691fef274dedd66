#include "harness/engine/ops/row_op_common.h"

#include <cmath>

#include <fmt/format.h>

namespace numguard::ops {

std::vector<double> row_values(const Tensor& t, int64_t n, int64_t r) {
  std::vector<double> v(static_cast<size_t>(n));
  for (int64_t j = 0; j < n; ++j)
    v[static_cast<size_t>(j)] = t.value(static_cast<size_t>(r * n + j));
  return v;
}

std::string declared_domain_reason(const Recipe& rc, const std::vector<const Tensor*>& inputs) {
  for (const Tensor* t : inputs)
    for (size_t i = 0; i < t->size(); ++i) {
      const double v = t->value(i);
      if (!std::isfinite(v) && rc.domain.finite_inputs_only)
        return "non-finite input (promised: finite inputs)";
      if (std::isfinite(v) && std::fabs(v) > rc.domain.max_abs_input)
        return fmt::format("input {} outside the promised |x| <= {}", v, rc.domain.max_abs_input);
    }
  return "";
}

OpElement element_from(const Recipe& rc, double y, const Val& computed, double scale) {
  OpElement e;
  e.value = y;
  e.scale = scale;
  e.bound = output_bound(computed, rc.acc, rc.out, rc.out_rounding);
  e.estimate = output_estimate(computed, rc.acc, rc.out, e.bound);
  if (computed.indeterminate)
    e.domain =
        "an infinite operand meets a value within its rounding error of 0: NaN or an "
        "infinity, depending on rounding";
  else if (std::isfinite(y) && std::isnan(e.bound))
    e.domain = "no bound: the analysis met inf * 0 (an intermediate overflowed)";
  // An overflowing finite intermediate leaves the promise whatever the reference is (e.g. an
  // fp32 update that overflows to -inf meets w = -inf: the kernel's inf - inf).
  else if (computed.overflow || (std::isfinite(y) && !std::isfinite(e.bound)))
    e.domain = "an intermediate may overflow " + std::string(name(rc.stage ? *rc.stage : rc.acc));
  return e;
}

std::string describe_row(const Tensor& t, int64_t n, int64_t r) {
  std::string s;
  for (int64_t j = 0; j < n && j < 16; ++j) {
    const size_t i = static_cast<size_t>(r * n + j);
    s += fmt::format("{}{} ({:#x})", j ? ", " : "", t.value(i), t.bits[i]);
  }
  if (n > 16) s += fmt::format(", ... ({} values)", n);
  return s;
}

RowSample::RowSample(int64_t m, int64_t n) : sample_(current_output_sample()), n_(n) {
  if (!sample_) return;
  rows_.assign(static_cast<size_t>(std::max<int64_t>(m, 0)), 0);
  for (size_t e : sample_->indices()) rows_[e / static_cast<size_t>(n)] = 1;
}

bool RowSample::element(int64_t i, int64_t j) const {
  return !sample_ || sample_->wanted(static_cast<size_t>(i * n_ + j));
}

}  // namespace numguard::ops
