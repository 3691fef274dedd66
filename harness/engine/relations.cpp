#include "harness/engine/relations.h"

#include <fmt/format.h>

#include <cmath>

#include "harness/engine/check_runner.h"

namespace numguard {
namespace {

// The double arithmetic of the comparisons themselves.
constexpr double kRel = 0x1p-50;

}  // namespace

Relation invariance(std::string name, std::string claim, std::string generator,
                    Transform transform) {
  Relation rel;
  rel.name = std::move(name);
  rel.claim = std::move(claim);
  rel.check = [generator, transform](const KernelDesc& k, Rng& rng, int64_t* checked) {
    *checked = 0;
    const OpInfo* op = find_op(k.op);
    Problem p = op->make(k, rng, generator);
    Problem q = p;
    if (!transform(p, q, k.recipe, rng)) return std::string();
    const CaseElements a = evaluate_elements(k, p), b = evaluate_elements(k, q);
    for (size_t i = 0; i < a.checks.size() && i < b.checks.size(); ++i) {
      if (!a.domain[i].empty() || !b.domain[i].empty()) continue;
      const double x = a.checks[i].output, y = b.checks[i].output;
      const double allowed = a.checks[i].bound + b.checks[i].bound;
      if (!std::isfinite(x) || !std::isfinite(y) || !std::isfinite(allowed)) continue;
      ++*checked;
      if (std::fabs(x - y) > allowed + kRel * (std::fabs(x) + std::fabs(y)))
        return fmt::format("element {}: {} before, {} after (bounds {:.3g} + {:.3g})", i, x, y,
                           a.checks[i].bound, b.checks[i].bound);
    }
    return std::string();
  };
  return rel;
}

Relation exact_scaling(int power) {
  Relation rel;
  rel.name = "exact_scaling";
  rel.claim = power == 1
                  ? "out(2^s a) = 2^s out(a) bit for bit (no subnormal or overflowing output)"
                  : fmt::format(
                        "out(2^s a) = 2^({} s) out(a) bit for bit (no subnormal or "
                        "overflowing output)",
                        power);
  rel.check = [power](const KernelDesc& k, Rng& rng, int64_t* checked) {
    *checked = 0;
    const OpInfo* op = find_op(k.op);
    const Recipe& r = k.recipe;
    Problem p = op->make(k, rng, rng.coin() ? "uniform" : "normal");
    p.alpha = 1;
    p.beta = 0;
    p.c = Tensor();
    // Magnitudes of at least 1/16: no product or partial sum of an accumulator as narrow as
    // fp16 is then subnormal, where rounding would not scale.
    for (Tensor* t : {&p.a, &p.b})
      for (auto& b : t->bits) {
        const double v = decode(r.in, b);
        if (std::isfinite(v) && std::fabs(v) < 0.0625)
          b = round_double(r.in, std::copysign(0.0625 + std::fabs(v), v)).bits;
      }
    const int s = static_cast<int>(rng.integer(1, 8 / power));
    Problem q = p;
    for (auto& b : q.a.bits) b = round_double(r.in, std::ldexp(decode(r.in, b), s)).bits;
    const CaseElements a = evaluate_elements(k, p), b = evaluate_elements(k, q);
    if (!a.case_reason.empty() || !b.case_reason.empty()) return std::string();
    const FormatDesc& d = desc(r.out);
    for (size_t i = 0; i < a.checks.size() && i < b.checks.size(); ++i) {
      if (!a.domain[i].empty() || !b.domain[i].empty()) continue;
      const double x = a.checks[i].output, y = b.checks[i].output;
      if (!std::isfinite(y) || (x != 0 && std::fabs(x) < d.min_normal()) ||
          std::fabs(y) > d.max_finite() / 2)
        continue;
      ++*checked;
      if (y != std::ldexp(x, power * s))
        return fmt::format("element {}: {} for a, {} for 2^{} a (want {})", i, x, y, s,
                           std::ldexp(x, power * s));
    }
    return std::string();
  };
  return rel;
}

}  // namespace numguard
