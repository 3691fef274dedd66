// Section 1 from the accumulation sweep: one JSON record per curve, findings computed from the
// numbers, a per-kernel summary table, a per-op sweep table and log-log plots of the error
// against n beside each kernel's deterministic bound and sqrt(n) u.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "harness/studies/accumulation.h"
#include "harness/studies/accumulation_inputs.h"
#include "harness/studies/record_json.h"

namespace numguard::studies {
namespace {

// Exponents more than this above 1/2 (sqrt(n) growth, Higham & Mary's probabilistic model)
// are reported as faster than sqrt(n); below it a fit over a few decades is noise-level.
constexpr double kSqrtMargin = 0.1;
// An error within this fraction of its deterministic bound "approaches" the bound.
constexpr double kNearBound = 0.5;
// Bound curves are drawn while bound / |y| stays below this: above it the bound says nothing
// (no correct digit) and would only stretch the axis; report.json keeps every value.
constexpr double kVacuousBound = 10;
// Kernels per plot: each has its measured and bound curve, plus one sqrt(n) u line per
// accumulation format, within the report's ~12 series a plot.
constexpr size_t kKernelsPerPlot = 5;

std::string g3(double v) {
  return std::isfinite(v) ? fmt::format("{:.3g}", v) : "-";
}

// Distributions drawn per op and what its sweep accumulates: the op's entry says.
std::vector<std::string> plotted(const std::string& op) {
  const AccumulationOp* a = find_accumulation_op(op);
  return a ? a->plotted : std::vector<std::string>{"normal"};
}

std::string what(const std::string& op) {
  const AccumulationOp* a = find_accumulation_op(op);
  return a ? a->noun : op;
}

std::string dist_words(const std::string& d) {
  if (d == "ones") return "ones";
  if (d == "uniform01") return "uniform[0,1] terms";
  if (d == "normal") return "normal terms";
  if (d == "alternating") return "alternating-sign terms";
  return d;
}

nlohmann::json point_json(const AccumulationPoint& p, bool gendot) {
  nlohmann::json j = {
      {"n", p.n},
      {"trials", p.trials},
      {"samples", p.samples},
      {"skipped_zero", p.skipped_zero},
      {"outside_domain", p.skipped_domain},
      {"nonfinite", p.nonfinite},
      {"kernel_errors", p.kernel_errors},
      {"violations", p.violations},
      {"max_rel", finite_or_null(p.max_rel)},
      {"median_rel", finite_or_null(p.median_rel)},
      {"p99_rel", finite_or_null(p.p99_rel)},
      {"fit_max_rel", finite_or_null(p.fit_max_rel)},
      {"max_u", finite_or_null(p.max_u)},
      {"median_u", finite_or_null(p.median_u)},
      {"p99_u", finite_or_null(p.p99_u)},
      {"bound_rel", finite_or_null(p.bound_rel)},
      {"median_bound_rel", finite_or_null(p.median_bound_rel)},
      {"max_bound_ratio", finite_or_null(p.max_bound_ratio)},
      {"max_acc_bound_ratio", finite_or_null(p.max_acc_bound_ratio)},
      {"sqrt_n_u", finite_or_null(p.sqrt_n_u)},
      {"first_output", finite_or_null(p.first_output)},
      {"first_reference", finite_or_null(p.first_reference)},
  };
  if (gendot) j["condition"] = finite_or_null(p.condition);
  return j;
}

nlohmann::json curve_json(const AccumulationCurve& c) {
  const bool gendot = c.distribution.rfind("gendot", 0) == 0;
  nlohmann::json pts = nlohmann::json::array();
  for (const AccumulationPoint& p : c.points) pts.push_back(point_json(p, gendot));
  nlohmann::json j = {
      {"kernel", c.kernel},
      {"op", c.op},
      {"recipe", c.recipe},
      {"input", c.input},
      {"accumulation", c.accumulation},
      {"output", c.output},
      {"mutant", c.mutant},
      {"distribution", c.distribution},
      {"u_out", c.u_out},
      {"u_acc", c.u_acc},
      {"growth_exponent", finite_or_null(c.growth_exponent)},
      {"stagnation", c.stagnation_n ? nlohmann::json{{"n", *c.stagnation_n},
                                                     {"value", finite_or_null(c.stagnation_value)}}
                                    : nlohmann::json(nullptr)},
      {"points", pts},
  };
  if (gendot) j["unreachable_n"] = c.unreachable_n;
  return j;
}

// The worst in-domain error / bound of a curve, and where: over all samples, and over the
// samples whose bound is mostly accumulation (AccumulationPoint::max_acc_bound_ratio).
struct Worst {
  double ratio = 0, acc_ratio = 0;
  int64_t n = 0, acc_n = 0, violations = 0;
};
Worst worst_of(const AccumulationCurve& c) {
  Worst w;
  for (const AccumulationPoint& p : c.points) {
    w.violations += p.violations;
    if (p.max_bound_ratio > w.ratio) {
      w.ratio = p.max_bound_ratio;
      w.n = p.n;
    }
    if (p.max_acc_bound_ratio > w.acc_ratio) {
      w.acc_ratio = p.max_acc_bound_ratio;
      w.acc_n = p.n;
    }
  }
  return w;
}

int64_t max_n(const AccumulationCurve& c) {
  return c.points.empty() ? 0 : c.points.back().n;
}

// The ops whose reference is the exact fixed-point accumulator: their sweeps are not capped
// for the reference's cost.
bool exact_accumulator(const std::string& op) {
  const AccumulationOp* a = find_accumulation_op(op);
  return a && a->exact_accumulator;
}

// "1e4" for 10^4.
std::string cond_text(double c) {
  return fmt::format("1e{}", static_cast<int>(std::lround(std::log10(c))));
}

std::string list_of(const std::vector<std::string>& items, size_t most) {
  std::string out;
  for (size_t i = 0; i < items.size() && i < most; ++i) out += (i ? ", " : "") + items[i];
  if (items.size() > most) out += fmt::format(" and {} more", items.size() - most);
  return out;
}

void stagnation_findings(const AccumulationResult& r, Section& s) {
  int64_t positive = 0, stalled = 0;
  std::set<std::string> stalled_acc;
  for (const AccumulationCurve& c : r.curves) {
    const AccumulationOp* op = find_accumulation_op(c.op);
    if (!op || !op->stagnation || (c.distribution != "ones" && c.distribution != "uniform01"))
      continue;
    ++positive;
    if (!c.stagnation_n) continue;
    ++stalled;
    stalled_acc.insert(c.accumulation);
    const AccumulationPoint& last = c.points.back();
    s.findings.push_back(fmt::format(
        "{}: the {} of {} stagnates at n = {} (value {:g}; the exact value at n = {} is {:g})",
        c.kernel, what(c.op), dist_words(c.distribution), *c.stagnation_n, c.stagnation_value,
        last.n, last.first_reference));
  }
  if (positive > 0)
    s.findings.push_back(fmt::format(
        "{} of {} positive-term sum / dot / GEMM curves stagnate{}; the others keep growing to "
        "the end of their sweep",
        stalled, positive,
        stalled
            ? " (accumulators: " +
                  list_of(std::vector<std::string>(stalled_acc.begin(), stalled_acc.end()), 8) + ")"
            : ""));
}

// Growth faster than sqrt(n) where the condition stays fixed as n grows: uniform[0,1] (cond 1)
// and each GenDot target. (Normal and alternating sums have a condition growing like sqrt(n)
// or n, so their relative errors grow faster by construction; the row ops' max over a row
// includes outputs near zero. Their exponents are in the table and report.json.)
void growth_findings(const AccumulationResult& r, Section& s) {
  for (const Distribution& d : distributions()) {
    if (d.kind != DistKind::uniform01 && d.kind != DistKind::gendot) continue;
    std::vector<const AccumulationCurve*> fast;
    for (const AccumulationCurve& c : r.curves)
      if (c.distribution == d.name && exact_accumulator(c.op) && std::isfinite(c.growth_exponent) &&
          c.growth_exponent > 0.5 + kSqrtMargin)
        fast.push_back(&c);
    if (fast.empty()) continue;
    std::stable_sort(fast.begin(), fast.end(),
                     [](auto* a, auto* b) { return a->growth_exponent > b->growth_exponent; });
    std::vector<std::string> items;
    for (const AccumulationCurve* c : fast)
      items.push_back(fmt::format("{} ({:.2f})", c->kernel, c->growth_exponent));
    s.findings.push_back(fmt::format(
        "{}: {} sum / dot / GEMM curve{} grow faster than sqrt(n) (fitted exponent of the max "
        "relative error above {:.1f}): {}",
        d.name, fast.size(), fast.size() == 1 ? "" : "s", 0.5 + kSqrtMargin, list_of(items, 8)));
  }
}

void bound_findings(const AccumulationResult& r, Section& s) {
  struct Near {
    const AccumulationCurve* c;
    Worst w;
  };
  std::vector<Near> near, over;
  Near best{nullptr, {}};
  int64_t correct_over = 0, rounding_near = 0;  // curves of correct kernels above the bound
  std::set<std::string> correct_kernels;
  for (const AccumulationCurve& c : r.curves) {
    const Worst w = worst_of(c);
    if (w.violations > 0)
      over.push_back({&c, w});
    else if (w.acc_ratio >= kNearBound)
      near.push_back({&c, w});
    else if (w.ratio >= kNearBound)
      ++rounding_near;
    if (!c.mutant) {
      correct_kernels.insert(c.kernel);
      if (w.violations == 0 && (!best.c || w.ratio > best.w.ratio)) best = {&c, w};
      if (w.violations > 0) ++correct_over;
    }
  }
  for (const Near& v : over)
    s.findings.push_back(fmt::format(
        "{}{}: {} measured error{} exceed the deterministic bound ({}, worst at n = {}: error "
        "/ bound = {})",
        v.c->kernel, v.c->mutant ? " (mutant)" : "", v.w.violations, v.w.violations == 1 ? "" : "s",
        v.c->distribution, v.w.n, g3(v.w.ratio)));
  std::stable_sort(near.begin(), near.end(),
                   [](const Near& a, const Near& b) { return a.w.acc_ratio > b.w.acc_ratio; });
  for (size_t i = 0; i < near.size() && i < 10; ++i)
    s.findings.push_back(fmt::format(
        "{}: the error approaches the deterministic bound ({}, n = {}: error / bound = {:.2f})",
        near[i].c->kernel, near[i].c->distribution, near[i].w.acc_n, near[i].w.acc_ratio));
  if (near.size() > 10)
    s.findings.push_back(
        fmt::format("{} more curves reach {:.0f}% of a bound dominated by the "
                    "accumulation",
                    near.size() - 10, 100 * kNearBound));
  if (rounding_near > 0)
    s.findings.push_back(fmt::format(
        "{} curves reach {:.0f}% of their bound only where the bound is mostly the output's own "
        "rounding or subnormal spacing (a correctly rounded result is up to half an ulp off)",
        rounding_near, 100 * kNearBound));
  if (correct_over == 0 && best.c)
    s.findings.push_back(fmt::format(
        "Every measured error of the {} correct kernels lies within its deterministic bound; "
        "the largest error / bound is {} ({}, {}, n = {})",
        correct_kernels.size(), g3(best.w.ratio), best.c->kernel, best.c->distribution, best.w.n));
}

// GenDot reach: the largest n at which each target condition was constructed, per input
// format, where that falls short of the sweep.
void gendot_findings(const AccumulationResult& r, Section& s) {
  std::map<std::string, int64_t> sweep_end;  // op -> largest n of any curve
  for (const AccumulationCurve& c : r.curves) sweep_end[c.op] = std::max(sweep_end[c.op], max_n(c));
  for (const Distribution& d : distributions()) {
    if (d.kind != DistKind::gendot) continue;
    std::map<std::string, int64_t> reach, top;  // input format -> largest n reached / swept
    for (const AccumulationCurve& c : r.curves) {
      if (c.distribution != d.name) continue;
      reach[c.input] = std::max(reach[c.input], max_n(c));
      top[c.input] = std::max(top[c.input], sweep_end[c.op]);
    }
    std::vector<std::string> upto, never;
    for (const auto& [in, n] : reach) {
      if (n == 0)
        never.push_back(in);
      else if (n < top[in])
        upto.push_back(fmt::format("n = {} in {}", n, in));
    }
    if (upto.empty() && never.empty()) continue;
    std::string text = fmt::format("GenDot at condition {}: ", cond_text(d.cond));
    if (!upto.empty())
      text += "the condition (within [c/3, 3c]) was reached only up to " + list_of(upto, 8);
    if (!never.empty())
      text += std::string(upto.empty() ? "" : "; ") + "never in " + list_of(never, 8);
    s.findings.push_back(text +
                         " (the construction's condition grows with n, and a narrow format "
                         "overflows its cancelling terms; those lengths are left out)");
  }
}

void add_findings(const AccumulationResult& r, Section& s) {
  stagnation_findings(r, s);
  growth_findings(r, s);
  bound_findings(r, s);
  gendot_findings(r, s);
  int64_t thrown = 0;
  for (const AccumulationCurve& c : r.curves)
    for (const AccumulationPoint& p : c.points) thrown += p.kernel_errors;
  if (thrown > 0)
    s.findings.push_back(fmt::format("{} kernel runs threw instead of answering", thrown));
}

std::string stagnation_cell(const AccumulationResult& r, const std::string& kernel,
                            const std::string& dist) {
  const AccumulationCurve* c = r.find(kernel, dist);
  const AccumulationOp* op = c ? find_accumulation_op(c->op) : nullptr;
  if (!c || !op || !op->stagnation) return "n/a";
  if (c->stagnation_n) return fmt::format("{}", *c->stagnation_n);
  return fmt::format("none to {}", max_n(*c));
}

void add_tables(const AccumulationResult& r, Section& s) {
  Table t;
  t.title = "Accumulation summary per kernel";
  t.columns = {"kernel",
               "recipe",
               "growth exponent (uniform01)",
               "growth exponent (normal)",
               "largest n",
               "max rel. error at largest n (uniform01)",
               "same in u_out",
               "stagnation n (ones)",
               "stagnation n (uniform01)",
               "worst error / bound"};
  std::vector<std::string> kernels;
  for (const AccumulationCurve& c : r.curves)
    if (kernels.empty() || kernels.back() != c.kernel) kernels.push_back(c.kernel);
  for (const std::string& k : kernels) {
    const AccumulationCurve* u = r.find(k, "uniform01");
    const AccumulationCurve* nr = r.find(k, "normal");
    double worst = 0;
    std::string recipe;
    for (const AccumulationCurve& c : r.curves)
      if (c.kernel == k) {
        worst = std::max(worst, worst_of(c).ratio);
        recipe = c.recipe;
      }
    const AccumulationPoint* last = u && !u->points.empty() ? &u->points.back() : nullptr;
    t.rows.push_back({k, recipe, u ? g3(u->growth_exponent) : "-",
                      nr ? g3(nr->growth_exponent) : "-", last ? fmt::format("{}", last->n) : "-",
                      last ? g3(last->max_rel) : "-", last ? g3(last->max_u) : "-",
                      stagnation_cell(r, k, "ones"), stagnation_cell(r, k, "uniform01"),
                      g3(worst)});
  }
  s.tables.push_back(std::move(t));

  // The sweep per op, as measured: lengths, trials and kernels.
  Table sw;
  sw.title = "Sweep per op";
  sw.columns = {"op",      "reduction length n", "n range", "trials at smallest / largest n",
                "kernels", "distributions"};
  for (const AccumulationOp& op : accumulation_ops()) {
    std::set<std::string> ks, ds;
    int64_t lo = 0, hi = 0, t_lo = 0, t_hi = 0;
    for (const AccumulationCurve& c : r.curves) {
      if (c.op != op.op) continue;
      ks.insert(c.kernel);
      ds.insert(c.distribution);
      for (const AccumulationPoint& p : c.points) {
        if (lo == 0 || p.n < lo) lo = p.n, t_lo = p.trials;
        if (p.n > hi) hi = p.n, t_hi = p.trials;
      }
    }
    if (ks.empty()) continue;
    sw.rows.push_back({op.op, op.length_meaning, fmt::format("{} .. {}", lo, hi),
                       fmt::format("{} / {}", t_lo, t_hi), fmt::format("{}", ks.size()),
                       fmt::format("{}", ds.size())});
  }
  s.tables.push_back(std::move(sw));
}

std::string plot_id(std::string id) {
  for (char& ch : id) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
    if (ch >= 'A' && ch <= 'Z')
      ch = static_cast<char>(ch - 'A' + 'a');
    else if (!ok)
      ch = '-';
  }
  return id;
}

void add_plots(const AccumulationResult& r, Section& s) {
  // Curves by (op, input format, distribution) in result order; an op with few kernels gets
  // one plot per distribution across its input formats.
  std::map<std::string, std::set<std::string>> op_kernels;
  for (const AccumulationCurve& c : r.curves) op_kernels[c.op].insert(c.kernel);
  std::vector<std::string> keys;
  std::map<std::string, std::vector<const AccumulationCurve*>> by;
  std::map<std::string, std::string> inputs_of;  // key -> the input formats it shows
  for (const AccumulationCurve& c : r.curves) {
    const std::vector<std::string> ds = plotted(c.op);
    if (std::find(ds.begin(), ds.end(), c.distribution) == ds.end()) continue;
    const bool one = op_kernels[c.op].size() <= kKernelsPerPlot;
    const std::string key = c.op + "|" + (one ? "all" : c.input) + "|" + c.distribution;
    if (!by.count(key)) {
      keys.push_back(key);
      inputs_of[key] = one ? "all" : c.input;
    }
    by[key].push_back(&c);
  }
  for (const std::string& key : keys) {
    const std::vector<const AccumulationCurve*>& cs = by[key];
    // Even parts of at most kKernelsPerPlot kernels.
    const size_t parts = (cs.size() + kKernelsPerPlot - 1) / kKernelsPerPlot;
    const size_t per = (cs.size() + parts - 1) / parts;
    for (size_t part = 0; part < parts; ++part) {
      const AccumulationCurve& first = *cs[part * per];
      const std::string& in = inputs_of[key];
      Plot p;
      p.id = plot_id(fmt::format("accumulation-{}-{}-{}{}", first.op, in, first.distribution,
                                 parts > 1 ? fmt::format("-{}", part + 1) : ""));
      p.title = fmt::format("{}, {} inputs, {}: max relative error against n{}", first.op,
                            in == "all" ? "all" : in, first.distribution,
                            parts > 1 ? fmt::format(" ({}/{})", part + 1, parts) : "");
      p.xlabel = "reduction length n (terms, log scale)";
      p.ylabel = "relative error |y_hat - y| / |y| (max over trials, log scale)";
      p.logx = p.logy = true;
      std::map<std::string, std::vector<int64_t>> acc_ns;  // accumulation format -> lengths
      int color = 0;
      for (size_t i = part * per; i < std::min(cs.size(), (part + 1) * per); ++i, ++color) {
        const AccumulationCurve& c = *cs[i];
        Series meas{c.kernel + " (max error)", {}, {}, LineStyle::solid, color};
        Series bound{c.kernel + " (deterministic bound)", {}, {}, LineStyle::dashed, color};
        for (const AccumulationPoint& pt : c.points) {
          const double n = static_cast<double>(pt.n);
          meas.x.push_back(n);
          meas.y.push_back(pt.samples > 0 && pt.max_rel > 0 ? pt.max_rel : NAN);
          bound.x.push_back(n);
          bound.y.push_back(pt.bound_rel > 0 && pt.bound_rel <= kVacuousBound ? pt.bound_rel : NAN);
          acc_ns[c.accumulation].push_back(pt.n);
        }
        p.series.push_back(std::move(meas));
        p.series.push_back(std::move(bound));
      }
      int dotted = static_cast<int>(kKernelsPerPlot);
      for (auto& [acc, ns] : acc_ns) {
        std::sort(ns.begin(), ns.end());
        ns.erase(std::unique(ns.begin(), ns.end()), ns.end());
        Series sq{
            fmt::format("sqrt(n) u ({} accumulation)", acc), {}, {}, LineStyle::dotted, dotted++};
        double u = 0;
        for (const AccumulationCurve* c : cs)
          if (c->accumulation == acc) u = c->u_acc;
        for (int64_t n : ns) {
          sq.x.push_back(static_cast<double>(n));
          sq.y.push_back(std::sqrt(static_cast<double>(n)) * u);
        }
        p.series.push_back(std::move(sq));
      }
      s.plots.push_back(std::move(p));
    }
  }
}

void add_intro(const AccumulationResult& r, Section& s) {
  std::map<std::string, int64_t> top;
  for (const AccumulationCurve& c : r.curves) top[c.op] = std::max(top[c.op], max_n(c));
  std::string ops, caps;
  for (const AccumulationOp& op : accumulation_ops()) {
    if (!top.count(op.op)) continue;
    ops += fmt::format("{}{} (n = {}, up to {})", ops.empty() ? "" : "; ", op.op, op.length_meaning,
                       top[op.op]);
  }
  int64_t family_top = 0;
  for (const AccumulationOp& op : accumulation_ops())
    if (op.exact_accumulator && top.count(op.op)) family_top = std::max(family_top, top[op.op]);
  for (const auto& [op, n] : top)
    if (n < family_top) caps += fmt::format("{}{} to {}", caps.empty() ? "" : ", ", op, n);
  s.intro.push_back(
      "How each reducing kernel's error grows with the reduction length n, swept over powers "
      "of two from 16. Ops and what n is: " +
      ops +
      ". Elementwise ops and amax (a max is exact) have no accumulation error and are "
      "not swept.");
  if (!caps.empty())
    s.intro.push_back(
        "The row ops' references are MPFR, far costlier per element than the reduction "
        "family's exact fixed-point accumulator, so their sweeps stop earlier to keep the "
        "report's time budget: " +
        caps + ".");
  s.intro.push_back(
      "Distributions: uniform01 (uniform on [0, 1]), normal (standard normal), alternating "
      "(uniform [0, 1] magnitudes with signs + - + -; a dot's second operand keeps the "
      "magnitudes), ones, and for dot and GEMM GenDot (Ogita, Rump, Oishi 2005) at conditions "
      "1e2, 1e4, 1e6 and 1e8, kept only where the exact condition of the rounded inputs lies "
      "within [c/3, 3c]. The i.i.d. inputs at n are the first n of one long draw, and every "
      "kernel with the same input format sees the same inputs.");
  s.intro.push_back(
      "Per point: the relative error |y_hat - y| / |y| of every output element against the "
      "exact reference, as max, median and p99 (nearest rank), and in units of the output "
      "format's u; elements with y = 0 and non-finite ones are counted apart. Beside it the "
      "recipe's deterministic bound / |y| (the largest over the samples, from the same "
      "derivation the checks fail on) and sqrt(n) u of the accumulation format. Errors outside "
      "the kernel's promised domain (e.g. once partial sums may overflow a narrow accumulator) "
      "are measured but not compared with the bound. The growth exponent is the least-squares "
      "slope of log(max relative error) against log(n) over the points with a nonzero error, "
      "the max taken over the same number of trials at every n (the smallest trial count of "
      "the op), since a max over more trials is larger. sqrt(n) growth (exponent 1/2) is what "
      "independent roundings give (Higham & Mary); for normal and alternating inputs the "
      "condition itself grows with n, and a row op's max over a row includes outputs near zero "
      "(layernorm's x - mean), so those exponents are steeper by construction.");
  s.intro.push_back(
      "Stagnation: for sums, dots and GEMMs of positive terms (ones, uniform01), when doubling n "
      "at the end of the sweep leaves trial 0's computed value unchanged, the smallest n from "
      "which it no longer changes is found by bisection over n on the same prefix-consistent "
      "inputs. In the plots, bound curves stop where the bound exceeds 10 (vacuous) or the "
      "inputs leave the kernel's promise, and zero errors are not drawn on the log axes; "
      "report.json holds every value and every distribution, the plots a representative "
      "subset per op.");
}

}  // namespace

Section accumulation_section(const AccumulationResult& r) {
  Section s;
  s.key = "accumulation";
  s.title = "Accumulation error";
  for (const AccumulationCurve& c : r.curves) s.records.push_back(curve_json(c));
  add_intro(r, s);
  add_findings(r, s);
  add_tables(r, s);
  add_plots(r, s);
  // The narrow accumulators' sums of ones first: where stagnation shows (the rest keep the
  // order op, input format, distribution).
  std::stable_partition(s.plots.begin(), s.plots.end(), [](const Plot& p) {
    return p.id.rfind("accumulation-sum-fp16-ones", 0) == 0 ||
           p.id.rfind("accumulation-sum-bf16-ones", 0) == 0;
  });
  return s;
}

}  // namespace numguard::studies
