// Section 4 as the report shows it: records, tables, findings and plots, formatted from a
// TradeoffResult (no number is computed here that the result does not hold).
#include <fmt/format.h>

#include <cmath>

#include "harness/studies/record_json.h"
#include "harness/studies/tradeoff_selection.h"
#include "harness/studies/tradeoffs.h"

namespace numguard::studies {
namespace {

using nlohmann::json;

std::string num(double x) {
  if (std::isnan(x)) return "n/a";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  return fmt::format("{:.3g}", x);
}

json stats_json(const TradeoffStats& s) {
  return {{"distribution", s.distribution},
          {"cases", s.cases},
          {"measured", s.measured},
          {"zero_ref", s.zero_ref},
          {"tiny_ref", s.tiny_ref},
          {"nonfinite_ref", s.nonfinite_ref},
          {"nonfinite_out", s.nonfinite_out},
          {"flushed", s.flushed},
          {"median_rel", finite_or_null(s.median_rel)},
          {"p99_rel", finite_or_null(s.p99_rel)},
          {"max_rel", finite_or_null(s.max_rel)},
          {"median_u", finite_or_null(s.median_u)},
          {"p99_u", finite_or_null(s.p99_u)},
          {"max_u", finite_or_null(s.max_u)},
          {"bits", finite_or_null(s.bits)}};
}

json entry_json(const TradeoffEntry& e) {
  json by = json::array();
  for (const TradeoffStats& s : e.by_distribution) by.push_back(stats_json(s));
  return {{"kernel", e.kernel},
          {"precision", e.precision},
          {"out_format", e.out_format},
          {"storage_bits", e.storage_bits},
          {"measured", e.all.measured},
          {"zero_ref", e.all.zero_ref},
          {"tiny_ref", e.all.tiny_ref},
          {"nonfinite_ref", e.all.nonfinite_ref},
          {"nonfinite_out", e.all.nonfinite_out},
          {"flushed", e.all.flushed},
          {"median_rel", finite_or_null(e.median_rel)},
          {"p99_rel", finite_or_null(e.p99_rel)},
          {"max_rel", finite_or_null(e.max_rel)},
          {"median_u", finite_or_null(e.all.median_u)},
          {"p99_u", finite_or_null(e.all.p99_u)},
          {"max_u", finite_or_null(e.all.max_u)},
          {"bits", finite_or_null(e.bits)},
          {"by_distribution", by},
          {"safe_range",
           {{"measured", e.range_measured},
            {"lower", value_or_null(e.safe_lower)},
            {"upper", value_or_null(e.safe_upper)},
            {"lower_limited", e.lower_limited},
            {"upper_limited", e.upper_limited}}},
          {"stagnation",
           {{"measured", e.stagnation_measured},
            {"n", value_or_null(e.stagnation_n)},
            {"value", e.stagnation_n ? json(e.stagnation_value) : json(nullptr)},
            {"checked_to", e.stagnation_measured ? json(e.stagnation_checked_to) : json(nullptr)},
            {"storage_accumulation",
             e.storage_acc_kernel.empty()
                 ? json(nullptr)
                 : json{{"kernel", e.storage_acc_kernel},
                        {"n", value_or_null(e.storage_acc_stagnation_n)},
                        {"value", e.storage_acc_stagnation_n ? json(e.storage_acc_stagnation_value)
                                                             : json(nullptr)}}}}},
          {"failure", e.failure},
          {"qualifies", e.fails.empty()},
          {"fails", e.fails}};
}

// A power of two as 2^e (the rule's span), anything else as a number.
std::string magnitude(double x) {
  const double e = std::log2(x);
  if (std::isfinite(e) && e == std::round(e) && std::fabs(e) >= 4)
    return fmt::format("2^{}", static_cast<int>(e));
  return num(x);
}

std::string range_text(const TradeoffEntry& e) {
  if (!e.range_measured) return "not measured";
  if (!e.safe_lower || !e.safe_upper) return "none";
  return fmt::format("{}{} .. {}{}", num(*e.safe_lower), e.lower_limited ? "" : " (format end)",
                     num(*e.safe_upper), e.upper_limited ? "" : " (format end)");
}

std::string own_stagnation_text(const TradeoffEntry& e) {
  if (!e.stagnation_measured) return "not measured";
  if (e.stagnation_n)
    return fmt::format("n = {} (sum {})", *e.stagnation_n, num(e.stagnation_value));
  const double l = std::log2(static_cast<double>(e.stagnation_checked_to));
  return l == std::round(l) ? fmt::format("none up to 2^{}", static_cast<int>(l))
                            : fmt::format("none up to {}", e.stagnation_checked_to);
}

std::string stagnation_text(const TradeoffEntry& e) {
  std::string own = own_stagnation_text(e);
  if (!e.storage_acc_kernel.empty() && e.storage_acc_stagnation_n)
    own += fmt::format("; {}acc: n = {}", e.precision, *e.storage_acc_stagnation_n);
  return own;
}

std::string precisions_text() {
  std::string s;
  for (Format f : kTradeoffPrecisions) s += (s.empty() ? "" : ", ") + std::string(name(f));
  return s;
}

// What the section measures, how, and the recommendation rule with its numbers.
std::vector<std::string> intro(const TradeoffResult& r) {
  const TradeoffRule& rule = r.rule;
  return {
      fmt::format(
          "Per op, one kernel per storage precision ({}) running the same algorithm with fp32 "
          "accumulation, on identical inputs: each case is drawn once in fp32 from the op's own "
          "generators (normal and uniform, alternating), and every kernel receives it rounded "
          "(RNE) into its input format. Errors are relative, |y_hat - y| / |y|, against the "
          "exact result on the fp32 inputs, so they include the cost of storing the inputs in "
          "the narrower format. Elements whose reference is 0 or not finite are left out and "
          "counted; an inf or NaN output where the reference is finite counts as an infinite "
          "error.",
          precisions_text()),
      "Bits of accuracy = -log2(median relative error), capped at the output format's "
      "precision + 1. Safe range: the smallest and largest max abs(input) at which section 2 "
      "found every output good. Stagnation: the length at which section 1's sum of ones stops "
      "growing.",
      fmt::format(
          "Recommendation rule: an entry qualifies when its p99 relative error is at most {}, "
          "its safe range covers max abs(input) {} .. {} (narrowed to within a factor 2 of the "
          "fp32 kernel's own boundaries where those lie inside), and a sum of ones does not "
          "stall before n = {}; a criterion section 1 or 2 did not measure is not held against "
          "it. The pick is the cheapest qualifying entry (16-bit storage, then tf32, then fp32; "
          "ties: more bits), or else the entry with the lowest p99 error. {} run, seed {}.",
          num(rule.target_p99_rel), magnitude(rule.span_lo), magnitude(rule.span_hi),
          rule.min_stagnation_n, r.quick ? "Quick" : "Full", r.seed)};
}

std::vector<std::string> entry_row(const TradeoffOp& op, const TradeoffEntry& e) {
  return {op.op,
          e.precision,
          e.kernel,
          std::to_string(e.all.measured),
          num(e.median_rel),
          num(e.p99_rel),
          num(e.max_rel),
          std::isfinite(e.bits) ? fmt::format("{:.1f}", e.bits) : "n/a",
          std::to_string(e.all.nonfinite_out),
          std::to_string(e.all.flushed),
          range_text(e),
          stagnation_text(e),
          e.fails.empty() ? "yes" : "no: " + e.fails.front()};
}

json op_record(const TradeoffOp& op, const TradeoffRule& rule) {
  json entries = json::array();
  for (const TradeoffEntry& e : op.entries) entries.push_back(entry_json(e));
  return {{"op", op.op},
          {"algorithm", op.algorithm},
          {"cases", op.cases},
          {"elements", op.elements},
          {"floor", op.floor},
          {"error", op.error},
          {"entries", entries},
          {"recommended", op.recommended},
          {"qualified", op.qualified},
          {"recommendation", op.recommendation},
          {"rule",
           {{"target_p99_rel", rule.target_p99_rel},
            {"span_lo", rule.span_lo},
            {"span_hi", rule.span_hi},
            {"min_stagnation_n", rule.min_stagnation_n}}}};
}

// The op's recommendation, why it was not measured, and every storage-precision accumulation
// that stalls on a sum of ones where the fp32-accumulating kernel does not.
void add_op_findings(Section& s, const TradeoffOp& op) {
  if (!op.recommendation.empty()) s.findings.push_back(op.recommendation);
  if (!op.error.empty()) s.findings.push_back(op.op + ": not measured (" + op.error + ")");
  for (const TradeoffEntry& e : op.entries)
    if (!e.storage_acc_kernel.empty() && e.storage_acc_stagnation_n)
      s.findings.push_back(fmt::format(
          "{}: accumulating {} in {} ({}) stalls at n = {} on a sum of ones; {} ({}) {}.", op.op,
          e.precision, e.precision, e.storage_acc_kernel, *e.storage_acc_stagnation_n, e.kernel,
          "fp32 accumulation", own_stagnation_text(e)));
}

// Records, findings and the three tables, op by op.
void add_ops(Section& s, const TradeoffResult& r) {
  Table t{"Error per op and precision",
          {"op", "precision", "kernel", "measured", "median rel", "p99 rel", "max rel", "bits",
           "inf/NaN out", "flushed to 0", "safe max abs(input)", "stagnation (sum of ones)",
           "qualifies"},
          {}};
  Table rec{"Recommendation per op", {"op", "pick", "recommendation"}, {}};
  Table index{"Op index (x axis of the plots)", {"index", "op", "algorithm", "cases"}, {}};
  for (size_t i = 0; i < r.ops.size(); ++i) {
    const TradeoffOp& op = r.ops[i];
    for (const TradeoffEntry& e : op.entries) t.rows.push_back(entry_row(op, e));
    s.records.push_back(op_record(op, r.rule));
    add_op_findings(s, op);
    rec.rows.push_back({op.op, op.recommended, op.recommendation});
    index.rows.push_back({std::to_string(i + 1), op.op, op.algorithm, std::to_string(op.cases)});
  }
  s.tables = {rec, t, index};
}

// One series per precision over the op index (the index table names the ops).
void add_plots(Section& s, const TradeoffResult& r) {
  const TradeoffRule& rule = r.rule;
  Plot bits{"tradeoffs-bits",
            "Bits of accuracy per op (x: op index, see the op index table)",
            "op index (table 'Op index')",
            "bits of accuracy = -log2(median relative error)",
            false,
            false,
            {}};
  Plot p99{"tradeoffs-p99",
           "p99 relative error per op (x: op index, see the op index table)",
           "op index (table 'Op index')",
           "p99 relative error |y_hat - y| / |y|",
           false,
           true,
           {}};
  for (size_t pi = 0; pi < kTradeoffPrecisions.size(); ++pi) {
    const std::string p(name(kTradeoffPrecisions[pi]));
    Series sb{p, {}, {}, LineStyle::points, static_cast<int>(pi)};
    Series sp = sb;
    for (size_t i = 0; i < r.ops.size(); ++i)
      for (const TradeoffEntry& e : r.ops[i].entries)
        if (e.precision == p) {
          sb.x.push_back(static_cast<double>(i + 1));
          sb.y.push_back(e.bits);
          sp.x.push_back(static_cast<double>(i + 1));
          sp.y.push_back(e.p99_rel > 0 ? e.p99_rel : std::nan(""));
        }
    if (!sb.x.empty()) {
      bits.series.push_back(std::move(sb));
      p99.series.push_back(std::move(sp));
    }
  }
  if (!p99.series.empty() && !r.ops.empty())
    p99.series.push_back({fmt::format("rule's target p99 ({})", num(rule.target_p99_rel)),
                          {1.0, static_cast<double>(r.ops.size())},
                          {rule.target_p99_rel, rule.target_p99_rel},
                          LineStyle::dashed,
                          static_cast<int>(kTradeoffPrecisions.size())});
  if (!bits.series.empty()) s.plots = {bits, p99};
}

}  // namespace

Section tradeoffs_section(const TradeoffResult& r) {
  Section s;
  s.key = "tradeoffs";
  s.title = "Precision tradeoffs";
  s.intro = intro(r);
  add_ops(s, r);
  add_plots(s, r);
  return s;
}

}  // namespace numguard::studies
