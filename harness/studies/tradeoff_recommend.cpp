// Section 4's verdicts: each entry against the rule, and the one-line recommendation per op,
// both computed from the measured numbers (docs/studies-tradeoffs.md, "Recommendation").
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "harness/core/format.h"
#include "harness/studies/tradeoffs.h"

namespace numguard::studies {
namespace {

// Cost tier: 16-bit storage (fp16, bf16: the same bandwidth and tensor-core rate), tf32
// (32-bit storage, tensor-core rate), fp32 (32-bit storage, CUDA-core rate).
int tier(const std::string& precision) {
  if (precision == "fp16" || precision == "bf16") return 0;
  return precision == "tf32" ? 1 : 2;
}

std::string num(double x) {
  if (std::isnan(x)) return "n/a";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  return fmt::format("{:.3g}", x);
}

// max |input| values are powers of two in the span and boundaries found by bisection.
std::string magnitude(double x) {
  const double e = std::log2(x);
  if (std::isfinite(e) && e == std::round(e) && std::fabs(e) >= 4)
    return fmt::format("2^{}", static_cast<int>(e));
  return num(x);
}

const TradeoffEntry* find_precision(const TradeoffOp& op, const std::string& p) {
  for (const TradeoffEntry& e : op.entries)
    if (e.precision == p) return &e;
  return nullptr;
}

// The span an entry's safe range must cover: the rule's span, narrowed to within a factor 2
// of the fp32 kernel's own boundaries where those fall inside it (then the op's arithmetic,
// not the storage format, limits the range: exp overflows fp32 beyond 88.7).
std::pair<double, double> required_span(const TradeoffOp& op, const TradeoffRule& rule) {
  double lo = rule.span_lo, hi = rule.span_hi;
  if (const TradeoffEntry* f = find_precision(op, "fp32"); f && f->range_measured) {
    if (f->safe_upper) hi = std::min(hi, *f->safe_upper / 2);
    if (f->safe_lower) lo = std::max(lo, *f->safe_lower * 2);
  }
  return {lo, hi};
}

std::vector<std::string> failures(const TradeoffEntry& e, std::pair<double, double> span,
                                  const TradeoffRule& rule) {
  std::vector<std::string> f;
  if (!e.failure.empty()) f.push_back("the kernel failed (" + e.failure + ")");
  if (e.all.measured == 0) {
    f.push_back("no output element was measured");
  } else if (!(e.p99_rel <= rule.target_p99_rel)) {
    f.push_back(fmt::format("p99 rel error {} > {}", num(e.p99_rel), num(rule.target_p99_rel)));
  }
  if (e.range_measured) {
    if (!e.safe_upper || !e.safe_lower) {
      f.push_back("no input scale is safe");
    } else {
      if (*e.safe_upper < span.second)
        f.push_back(fmt::format("safe range ends at max abs(x) = {} < {}", magnitude(*e.safe_upper),
                                magnitude(span.second)));
      if (*e.safe_lower > span.first)
        f.push_back(fmt::format("safe range starts at max abs(x) = {} > {}",
                                magnitude(*e.safe_lower), magnitude(span.first)));
    }
  }
  if (e.stagnation_measured && e.stagnation_n && *e.stagnation_n < rule.min_stagnation_n)
    f.push_back(fmt::format("a sum of ones stalls at n = {}", *e.stagnation_n));
  return f;
}

std::string joined(const std::vector<std::string>& v, const std::string& sep) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? sep : "") + v[i];
  return s;
}

// What choosing `e` instead of the pick costs or gains, in measured bits and storage.
std::string alternative(const TradeoffEntry& e, const TradeoffEntry& pick) {
  std::string s = e.precision;
  const double d = e.bits - pick.bits;
  s += std::isfinite(d) ? fmt::format(" {:+.1f} bits", d) : " (bits n/a)";
  if (e.storage_bits != pick.storage_bits)
    s += e.storage_bits > pick.storage_bits
             ? fmt::format(" at {}x the storage", e.storage_bits / std::max(pick.storage_bits, 1))
             : fmt::format(" at 1/{} the storage", pick.storage_bits / std::max(e.storage_bits, 1));
  else if (tier(e.precision) > tier(pick.precision))
    s += " at fp32's CUDA-core rate";
  if (!e.fails.empty()) s += " but " + joined(e.fails, " and ");
  return s;
}

}  // namespace

void attach_studies(TradeoffOp& op, const AccumulationResult& acc, const RangeResult& range) {
  for (TradeoffEntry& e : op.entries) {
    e.range_measured = false;
    e.safe_upper = e.safe_lower = std::nullopt;
    e.upper_limited = e.lower_limited = false;
    if (const RangeRecord* r = range.find(e.kernel)) {
      e.range_measured = true;
      e.safe_upper = r->upper;
      e.safe_lower = r->lower;
      e.upper_limited = r->upper_limited;
      e.lower_limited = r->lower_limited;
    }
    e.stagnation_measured = false;
    e.stagnation_n = std::nullopt;
    e.stagnation_checked_to = 0;
    e.stagnation_value = 0;
    if (const AccumulationCurve* c = acc.find(e.kernel, "ones")) {
      e.stagnation_measured = true;
      e.stagnation_n = c->stagnation_n;
      e.stagnation_value = c->stagnation_value;
      for (const AccumulationPoint& p : c->points)
        e.stagnation_checked_to = std::max(e.stagnation_checked_to, p.n);
    }
    e.storage_acc_kernel.clear();
    e.storage_acc_stagnation_n = std::nullopt;
    e.storage_acc_stagnation_value = 0;
    if (const AccumulationCurve* c = acc.find(storage_acc_sibling(e.kernel, e.precision), "ones")) {
      e.storage_acc_kernel = c->kernel;
      e.storage_acc_stagnation_n = c->stagnation_n;
      e.storage_acc_stagnation_value = c->stagnation_value;
    }
  }
}

void recommend(TradeoffOp& op, const TradeoffRule& rule) {
  op.recommended.clear();
  op.qualified = false;
  op.recommendation.clear();
  if (op.entries.empty()) return;
  const auto span = required_span(op, rule);
  for (TradeoffEntry& e : op.entries) e.fails = failures(e, span, rule);

  // The cheapest qualifying entry (ties: the more measured bits); without one, the most
  // accurate entry (lowest p99, then the more bits).
  auto key_bits = [](const TradeoffEntry& e) { return std::isfinite(e.bits) ? e.bits : -1.0; };
  auto key_p99 = [](const TradeoffEntry& e) {
    return e.all.measured > 0 && !std::isnan(e.p99_rel) ? e.p99_rel : HUGE_VAL;
  };
  const TradeoffEntry* pick = nullptr;
  for (const TradeoffEntry& e : op.entries) {
    if (!e.fails.empty()) continue;
    if (!pick || tier(e.precision) < tier(pick->precision) ||
        (tier(e.precision) == tier(pick->precision) && key_bits(e) > key_bits(*pick)))
      pick = &e;
  }
  op.qualified = pick != nullptr;
  if (!pick)
    for (const TradeoffEntry& e : op.entries)
      if (!pick || key_p99(e) < key_p99(*pick) ||
          (key_p99(e) == key_p99(*pick) && key_bits(e) > key_bits(*pick)))
        pick = &e;
  op.recommended = pick->precision;

  std::string line = fmt::format("{}: use {} ({})", op.op, pick->precision, pick->kernel);
  if (op.qualified) {
    line += fmt::format(": p99 rel error {} <= {}", num(pick->p99_rel), num(rule.target_p99_rel));
    line += pick->range_measured && pick->safe_upper && pick->safe_lower
                ? fmt::format(", safe max abs(x) {}..{} covers {}..{}",
                              magnitude(*pick->safe_lower), magnitude(*pick->safe_upper),
                              magnitude(span.first), magnitude(span.second))
                : std::string(", safe range not measured");
  } else {
    line += ", though no precision meets the rule (it fails: " + joined(pick->fails, " and ") + ")";
  }
  std::vector<std::string> alts;
  for (const TradeoffEntry& e : op.entries)
    if (&e != pick) alts.push_back(alternative(e, *pick));
  if (!alts.empty()) line += "; " + joined(alts, "; ");
  op.recommendation = line;
}

}  // namespace numguard::studies
