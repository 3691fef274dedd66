// The range study's report section: records (docs/report-schema.md, `range`), one table and one
// plot group per op, and findings computed from the boundaries.
#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "harness/studies/range_boundaries.h"
#include "harness/studies/range_cliffs.h"
#include "harness/studies/record_json.h"

namespace numguard::studies {
namespace {

using nlohmann::json;

// Series per plot at most (the report's readability rule).
constexpr size_t kMaxSeries = 12;
// A boundary "matches" a cliff when they differ by less than this, relative.
constexpr double kCliffMatch = 0.01;

json record_json(const RangeRecord& r) {
  json j;
  j["kernel"] = r.kernel;
  j["op"] = r.op;
  j["formats"] = {{"in", r.in_format},
                  {"acc", r.acc_format},
                  {"out", r.out_format},
                  {"stage", r.stage_format.empty() ? json(nullptr) : json(r.stage_format)}};
  j["scaled"] = r.scaled;
  auto side = [&](const char* key, const std::optional<double>& v, bool limited,
                  const std::optional<double>& bad, const std::string& cause,
                  const std::string& kind, bool inside, const std::string& cliff, double cliff_at) {
    json s;
    s["value"] = value_or_null(v);
    s["limited"] = limited;
    s["first_bad"] = value_or_null(bad);
    s["cause"] = cause.empty() ? json(nullptr) : json(cause);
    s["kind"] = kind.empty() ? json(nullptr) : json(kind);
    s["inside_promise"] = limited ? json(inside) : json(nullptr);
    s["nearest_cliff"] = cliff.empty() ? json(nullptr) : json({{"what", cliff}, {"at", cliff_at}});
    j[key] = s;
  };
  side("upper", r.upper, r.upper_limited, r.upper_bad, r.upper_cause, r.upper_kind,
       r.upper_inside_promise, r.upper_cliff, r.upper_cliff_at);
  side("lower", r.lower, r.lower_limited, r.lower_bad, r.lower_cause, r.lower_kind,
       r.lower_inside_promise, r.lower_cliff, r.lower_cliff_at);
  j["promised_max_abs_input"] = finite_or_null(r.promised_max_abs_input);
  j["promised"] = {{"upper", value_or_null(r.promised_upper)},
                   {"upper_limited", r.promised_upper_limited},
                   {"upper_cause",
                    r.promised_upper_cause.empty() ? json(nullptr) : json(r.promised_upper_cause)},
                   {"lower", value_or_null(r.promised_lower)},
                   {"lower_limited", r.promised_lower_limited},
                   {"lower_cause",
                    r.promised_lower_cause.empty() ? json(nullptr) : json(r.promised_lower_cause)}};
  j["breaks_inside_promise"] = r.breaks_inside_promise;
  j["cliffs"] = json::array();
  for (const Cliff& c : r.cliffs)
    j["cliffs"].push_back({{"what", c.what}, {"at", c.at}, {"side", c.side}});
  j["points"] = json::array();
  for (const RangePoint& p : r.points)
    j["points"].push_back({{"log2_scale", p.log2_scale},
                           {"bad_fraction", p.bad_fraction},
                           {"unpromised_fraction", p.unpromised_fraction}});
  j["error"] = r.error.empty() ? json(nullptr) : json(r.error);
  return j;
}

std::string num(double v) {
  return fmt::format("{:.6g}", v);
}

std::string boundary_text(const std::optional<double>& v, bool limited) {
  if (!v) return "none good";
  return limited ? num(*v) : num(*v) + " (format end)";
}

std::string promise_text(double p) {
  return std::isfinite(p) ? "|x| <= " + num(p) : "unbounded";
}

std::string promised_range_text(const RangeRecord& r) {
  if (!r.promised_upper || !r.promised_lower) return "none";
  return boundary_text(r.promised_lower, r.promised_lower_limited) + " .. " +
         boundary_text(r.promised_upper, r.promised_upper_limited);
}

std::string cliff_text(const std::string& what, double at, const std::optional<double>& boundary) {
  if (what.empty() || !boundary) return "";
  return fmt::format("{} at {} ({:+.2f}%)", what, num(at), 100 * (*boundary / at - 1));
}

bool matches(const std::optional<double>& v, const std::optional<double>& bad, double cliff) {
  if (!v || !bad || cliff <= 0) return false;
  // The cliff lies inside the bisection bracket, or within kCliffMatch of it.
  return (cliff >= *v * (1 - kCliffMatch) && cliff <= *bad * (1 + kCliffMatch));
}

// Kernels of one op grouped by input format, in order of first appearance.
std::map<std::string, std::vector<const RangeRecord*>> by_format(
    const std::vector<const RangeRecord*>& recs) {
  std::map<std::string, std::vector<const RangeRecord*>> m;
  for (const RangeRecord* r : recs) m[r->in_format].push_back(r);
  return m;
}

// Series a kernel takes in a plot: its curve, and a dashed vertical line at its declared |x|
// bound when it has one.
size_t series_cost(const RangeRecord& r) {
  return std::isfinite(r.promised_max_abs_input) ? 2 : 1;
}

void add_plot(Section& s, const std::string& id, const std::string& title,
              const std::vector<const RangeRecord*>& list) {
  Plot p;
  p.id = id;
  std::replace(p.id.begin(), p.id.end(), '_', '-');
  p.title = title;
  p.xlabel = "input scale 2^e (max |x|), e in log2 units";
  p.ylabel = "fraction of bad output elements (0 to 1)";
  p.ymin = 0;
  p.ymax = 1.02;  // a little headroom: a curve at 1 stays visible above the frame
  for (const RangeRecord* r : list) {
    Series se;
    se.label = r->kernel;
    for (const RangePoint& pt : r->points) {
      se.x.push_back(pt.log2_scale);
      se.y.push_back(pt.bad_fraction);
    }
    p.series.push_back(std::move(se));
  }
  for (size_t i = 0; i < list.size(); ++i) {
    const double pm = list[i]->promised_max_abs_input;
    if (!std::isfinite(pm)) continue;
    Series se;
    se.label = list[i]->kernel + " promises |x| <= " + num(pm);
    se.x = {std::log2(pm), std::log2(pm)};
    se.y = {0, 1};
    se.style = LineStyle::dashed;
    se.color = static_cast<int>(i);  // the colour of the kernel's own curve
    p.series.push_back(std::move(se));
  }
  s.plots.push_back(std::move(p));
}

// One plot per op; an op with more than kMaxSeries series gets one per input format, split
// into parts where a format alone has more.
void add_plots(Section& s, const std::string& op, const std::vector<const RangeRecord*>& recs) {
  const std::string title = " fraction of bad outputs against input scale";
  size_t total = 0;
  for (const RangeRecord* r : recs) total += series_cost(*r);
  if (total <= kMaxSeries) {
    add_plot(s, "range-" + op, op + ":" + title, recs);
    return;
  }
  for (const auto& [fmt_name, list] : by_format(recs)) {
    // Parts of about equal size (17 kernels: 9 + 8, not 12 + 5).
    size_t cost = 0;
    for (const RangeRecord* r : list) cost += series_cost(*r);
    const size_t parts = (cost + kMaxSeries - 1) / kMaxSeries;
    const size_t cap = std::max<size_t>((cost + parts - 1) / parts, 2);
    std::vector<std::vector<const RangeRecord*>> chunks(1);
    size_t used = 0;
    for (const RangeRecord* r : list) {
      if (used + series_cost(*r) > cap) {
        chunks.emplace_back();
        used = 0;
      }
      chunks.back().push_back(r);
      used += series_cost(*r);
    }
    for (size_t c = 0; c < chunks.size(); ++c) {
      const bool parts = chunks.size() > 1;
      add_plot(
          s, "range-" + op + "-" + fmt_name + (parts ? "-" + std::to_string(c + 1) : ""),
          fmt::format("{} ({} inputs{}):{}", op, fmt_name,
                      parts ? fmt::format(", part {} of {}", c + 1, chunks.size()) : "", title),
          chunks[c]);
    }
  }
}

Table boundary_table(const std::string& op, const std::vector<const RangeRecord*>& recs) {
  Table t;
  t.title = op + ": boundaries of max |x| (input magnitude) where every output is good";
  t.columns = {"kernel",
               "lower",
               "upper",
               "beyond upper",
               "nearest cliff to upper",
               "nearest cliff to lower",
               "promised domain",
               "good and promised"};
  for (const RangeRecord* r : recs) {
    if (!r->error.empty()) {
      t.rows.push_back({r->kernel, "", "", "not swept: " + r->error, "", "", "", ""});
      continue;
    }
    t.rows.push_back(
        {r->kernel, boundary_text(r->lower, r->lower_limited),
         boundary_text(r->upper, r->upper_limited), r->upper_limited ? r->upper_kind : "",
         r->upper_limited ? cliff_text(r->upper_cliff, r->upper_cliff_at, r->upper) : "",
         r->lower_limited ? cliff_text(r->lower_cliff, r->lower_cliff_at, r->lower) : "",
         promise_text(r->promised_max_abs_input), promised_range_text(*r)});
  }
  return t;
}

// One sentence for the kernels of an op and input format that share a boundary, its cause and
// its nearest cliff (so forty identical fp32 kernels make one line, not forty).
void boundary_findings(Section& s, const std::vector<const RangeRecord*>& recs, bool upper) {
  struct Group {
    std::vector<std::string> kernels;
    const RangeRecord* first = nullptr;
  };
  std::map<std::string, Group> groups;
  std::vector<std::string> order;
  for (const RangeRecord* r : recs) {
    const bool limited = upper ? r->upper_limited : r->lower_limited;
    const std::optional<double>& v = upper ? r->upper : r->lower;
    // A declared |x| bound has its own sentence.
    if (!limited || !v || (upper && std::isfinite(r->promised_max_abs_input))) continue;
    const std::string& kind = upper ? r->upper_kind : r->lower_kind;
    const std::string& cliff = upper ? r->upper_cliff : r->lower_cliff;
    const std::string key = r->op + "|" + r->in_format + "|" + num(*v) + "|" + kind + "|" + cliff;
    if (!groups.count(key)) order.push_back(key);
    Group& g = groups[key];
    g.kernels.push_back(r->kernel);
    if (!g.first) g.first = r;
  }
  for (const std::string& key : order) {
    const Group& g = groups[key];
    const RangeRecord& r = *g.first;
    const std::optional<double>& v = upper ? r.upper : r.lower;
    const std::optional<double>& bad = upper ? r.upper_bad : r.lower_bad;
    const std::string& cliff = upper ? r.upper_cliff : r.lower_cliff;
    const double at = upper ? r.upper_cliff_at : r.lower_cliff_at;
    std::string who = g.kernels.front();
    if (g.kernels.size() > 1)
      who += fmt::format(" (and {} more: {})", g.kernels.size() - 1,
                         fmt::join(g.kernels.begin() + 1, g.kernels.end(), ", "));
    std::string sentence =
        fmt::format("{} {} {} max|x| = {} (first bad at {}: {})", who,
                    g.kernels.size() > 1 ? "break" : "breaks", upper ? "above" : "below", num(*v),
                    num(*bad), upper ? r.upper_kind : r.lower_kind);
    if (!cliff.empty())
      sentence += matches(v, bad, at) ? fmt::format("; matches the cliff: {} at {}", cliff, num(at))
                                      : fmt::format("; nearest cliff: {} at {}", cliff, num(at));
    s.findings.push_back(sentence);
  }
}

// What was swept, what counts as bad, and how the boundaries and cliffs were found.
std::vector<std::string> range_intro() {
  return {
      "Each kernel runs on a fixed input pattern of its op (drawn from the report's seed, "
      "normalized so that max |x| over the scaled operands is exactly 1) multiplied by a scale "
      "2^e and rounded into the kernel's input format, for e over the input format's whole "
      "range (its smallest subnormal to its largest finite value). Every output element is "
      "judged against the exact reference: it is bad when it is non-finite, zero where the exact "
      "result is at least the output format's smallest subnormal, outside its derived error "
      "bound (a failing verdict), or, where an intermediate may overflow so that no finite "
      "bound exists, off by more than the result itself.",
      "Upper and lower are the largest and smallest max |x| (after rounding into the input "
      "format) of the good range around max |x| = 1: the sweep walks out from 1 to the first "
      "scale with a bad output and bisects between it and the last good scale to 1e-4 "
      "relative. 'format end' means no output went bad before the input format's end. These "
      "are where outputs actually break, whatever the kernel promises; 'good and promised' "
      "also counts an element outside the kernel's promise (its declared |x| bound or an "
      "intermediate the analysis says may overflow) as bad.",
      "Theoretical cliffs are computed from the format constants (overflow at max finite plus "
      "half the top binade's spacing, e.g. 65520 for fp16; underflow to 0 below half the "
      "smallest subnormal) and, where they depend on the values, from the pattern itself "
      "(marked 'this input'). The plots show the fraction of bad output elements per sweep "
      "scale; dashed vertical lines mark a kernel's declared |x| bound.",
  };
}

// How many swept kernels have an upper boundary, a lower one, or neither.
void totals_finding(Section& s, const RangeResult& res) {
  int upper_n = 0, lower_n = 0, whole = 0;
  for (const RangeRecord& r : res.records) {
    if (!r.error.empty()) continue;
    upper_n += r.upper_limited;
    lower_n += r.lower_limited;
    whole += !r.upper_limited && !r.lower_limited;
  }
  s.findings.push_back(
      fmt::format("{} kernels swept: {} have an upper boundary inside their input format's "
                  "range, {} a lower one; {} keep every output good over the whole range.",
                  res.records.size(), upper_n, lower_n, whole));
}

// A sentence per kernel that was not swept or fails its own check inside its promise, or one
// sentence saying none does (a break below a declared |x| bound counts too: its sentence is
// written by promise_findings).
void problem_findings(Section& s, const RangeResult& res) {
  int problems = 0;
  for (const RangeRecord& r : res.records) {
    if (!r.error.empty()) s.findings.push_back(r.kernel + ": not swept (" + r.error + ")");
    for (bool up : {true, false}) {
      const bool limited = up ? r.upper_limited : r.lower_limited;
      const bool inside = up ? r.upper_inside_promise : r.lower_inside_promise;
      const std::string& kind = up ? r.upper_kind : r.lower_kind;
      const std::optional<double>& v = up ? r.upper : r.lower;
      if (!limited || !inside || !is_check_failure_kind(kind)) continue;
      if (!v && !up) continue;  // no good scale at all: said once, with the upper side
      ++problems;
      s.findings.push_back(
          fmt::format("PROBLEM: {} fails its own check inside its promise {}: {}", r.kernel,
                      v ? fmt::format("{} max|x| = {}", up ? "above" : "below", num(*v))
                        : std::string("at every swept scale"),
                      up ? r.upper_cause : r.lower_cause));
    }
    if (r.upper_limited && r.upper && *r.upper < r.promised_max_abs_input &&
        std::isfinite(r.promised_max_abs_input))
      ++problems;  // its sentence follows with the other declared bounds
  }
  if (problems == 0)
    s.findings.push_back(
        "No kernel fails its own check inside its promise, and none breaks below a declared "
        "|x| bound: every boundary below is a loss its recipe's bound permits or a result "
        "beyond the output format.");
}

// Every declared |x| bound against the measured upper break.
void promise_findings(Section& s, const RangeResult& res) {
  for (const RangeRecord& r : res.records) {
    if (!std::isfinite(r.promised_max_abs_input) || !r.upper) continue;
    const double pm = r.promised_max_abs_input;
    std::string sentence;
    if (!r.upper_limited)
      sentence = fmt::format("{} promises |x| <= {} and no output breaks up to the format end {}",
                             r.kernel, num(pm), num(*r.upper));
    else if (*r.upper < pm)
      sentence =
          fmt::format("PROBLEM: {} breaks above max|x| = {} ({}), below its promised |x| <= {}",
                      r.kernel, num(*r.upper), r.upper_kind, num(pm));
    else
      sentence = fmt::format(
          "{} breaks above max|x| = {} ({}{}); it promises |x| <= {}, {:.2f}% below the break",
          r.kernel, num(*r.upper), r.upper_kind,
          r.upper_cliff.empty() ? "" : ", " + r.upper_cliff + " at " + num(r.upper_cliff_at),
          num(pm), 100 * (1 - pm / *r.upper));
    s.findings.push_back(sentence);
  }
}

// The cliffs every format has, whatever the kernel (docs/REFERENCE.md, "Cliffs", lists some: fp16
// exp at 11.09, x^2 at 255.97, bf16 exp at 88.72), computed from the format constants; the
// per-kernel cliffs of the records add those that depend on the op and the pattern.
Table format_cliff_table() {
  Table t;
  t.title = "Theoretical cliffs per format (input magnitudes, from the format constants)";
  t.columns = {"format",
               "overflow at (max + half top spacing)",
               "exp overflows above",
               "exp subnormal below",
               "exp rounds to 0 below",
               "x^2 overflows above",
               "x^3 overflows above",
               "x^2 underflows to 0 below"};
  for (Format f :
       {Format::fp16, Format::bf16, Format::tf32, Format::fp32, Format::e4m3, Format::e5m2}) {
    const double T = overflow_threshold(f), Z = underflow_threshold(f);
    t.rows.push_back({std::string(name(f)), num(T), num(std::log(T)),
                      num(std::log(desc(f).min_normal())), num(std::log(Z)), num(std::sqrt(T)),
                      num(std::cbrt(T)), num(std::sqrt(Z))});
  }
  return t;
}

}  // namespace

Section range_section(const RangeResult& res) {
  Section s;
  s.key = "range";
  s.title = "Overflow and underflow boundaries";
  s.intro = range_intro();
  // Ops in order of first appearance, records grouped under them.
  std::vector<std::string> ops;
  std::map<std::string, std::vector<const RangeRecord*>> per_op;
  for (const RangeRecord& r : res.records) {
    if (!per_op.count(r.op)) ops.push_back(r.op);
    per_op[r.op].push_back(&r);
    s.records.push_back(record_json(r));
  }
  for (const std::string& op : ops) {
    const RangeRecord& r = *per_op[op].front();
    if (!r.scaled.empty()) s.intro.push_back(op + ": " + r.scaled + ".");
  }

  // Findings: the totals, every kernel that breaks inside its promise, every declared
  // promise against the measured break, then the boundaries grouped.
  totals_finding(s, res);
  problem_findings(s, res);
  promise_findings(s, res);
  std::vector<const RangeRecord*> all;
  for (const RangeRecord& r : res.records) all.push_back(&r);
  boundary_findings(s, all, true);
  boundary_findings(s, all, false);

  s.tables.push_back(format_cliff_table());
  for (const std::string& op : ops) {
    s.tables.push_back(boundary_table(op, per_op[op]));
    add_plots(s, op, per_op[op]);
  }
  return s;
}

}  // namespace numguard::studies
