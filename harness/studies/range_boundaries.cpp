// The range sweep: every kernel on its op's fixed pattern at scales 2^e over the input format's
// whole range, each output element judged good or bad, then the boundaries of the good range
// around max|x| = 1 refined by bisection (docs/studies-range.md).
#include "harness/studies/range_boundaries.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <stdexcept>

#include <fmt/format.h>

#include "harness/engine/check_runner.h"
#include "harness/engine/op.h"
#include "harness/engine/verdict.h"
#include "harness/studies/parallel.h"
#include "harness/studies/range_cliffs.h"
#include "harness/studies/range_inputs.h"

namespace numguard::studies {
namespace {

// Bisection stops when the bracket's ends differ by less than this, relative.
constexpr double kRelTol = 1e-4;
// Relative distance of the extra sweep points on either side of each theoretical cliff.
constexpr double kCliffProbe = 2e-3;

// Why an output element is bad ("" kind: it is good).
struct Judged {
  std::string kind, text;
};

// An element is bad when it fails its check against the derived bound (any failing verdict),
// is non-finite (every input is finite and every op is finite on finite inputs), is zero where
// |y| is at least the output format's smallest subnormal (so that no faithful rounding of y is
// 0), or, where the analysis gives no finite bound (an intermediate may overflow), is off by
// more than |y| itself (no correct digit). The kernel's promise is not consulted here: an
// element outside it is judged by the same rules (its verdict before the domain override).
Judged judge(const Recipe& rc, const ElementCheck& c, size_t i) {
  const double y = c.reference;
  if (is_failure(c.verdict) && std::isfinite(c.bound))
    return {std::string(name(c.verdict)),
            fmt::format("element {}: {} (output {:.6g}, exact {:.6g}, error {:.3g} > bound {:.3g})",
                        i, name(c.verdict), c.output, y, c.error, c.bound)};
  if (!std::isfinite(c.output)) {
    if (std::isnan(y))
      return {"nonfinite", fmt::format("element {}: output {}, reference NaN", i, c.output)};
    if (!(std::fabs(y) < overflow_threshold(rc.out)))
      return {"output_overflow", fmt::format("element {}: the exact result {:.6g} overflows {} "
                                             "(output {})",
                                             i, y, name(rc.out), c.output)};
    return {"nonfinite", fmt::format("element {}: output {} where the exact result is {:.6g} "
                                     "(the bound allows it)",
                                     i, c.output, y)};
  }
  if (c.output == 0 && std::fabs(y) >= desc(rc.out).min_subnormal())
    return {"zero", fmt::format("element {}: output 0 where the exact result is {:.6g} (the "
                                "bound allows it; non-zero in {})",
                                i, y, name(rc.out))};
  if (!std::isfinite(c.bound) && c.error > std::fabs(y))
    return {"no_correct_digit",
            fmt::format("element {}: output {:.6g}, exact {:.6g} (no finite bound: an "
                        "intermediate may overflow)",
                        i, c.output, y)};
  return {};
}

// One evaluated scale.
struct Eval {
  double log2s = 0;
  double max_in = 0;  // max |x| over the scaled operands after the rounding into the format
  int64_t total = 0, bad = 0, unpromised = 0;
  Judged first_bad;                      // the first bad element
  bool first_bad_inside = false;         // ... lies inside the kernel's promise
  std::string first_unpromised;          // the first element bad or outside the promise, and why
  std::map<std::string, int64_t> kinds;  // bad elements per kind
  // The first bad element's text with the counts of every kind, e.g. "...; 64 of 128 outputs
  // bad: zero 63, nonfinite 1".
  std::string cause() const {
    std::string s = first_bad.text + fmt::format("; {} of {} outputs bad:", bad, total);
    for (const auto& [k, n] : kinds) s += fmt::format(" {} {}", k, n);
    return s;
  }
  bool ok(bool promised) const { return promised ? unpromised == 0 : bad == 0; }
};

double max_scaled(const RangePattern& pat, const Problem& p) {
  const Tensor* t[4] = {&p.a, &p.b, &p.c, &p.d};
  double m = 0;
  for (int i = 0; i < 4; ++i)
    if (pat.scaled[i])
      for (size_t j = 0; j < t[i]->size(); ++j) m = std::max(m, std::fabs(t[i]->value(j)));
  return m;
}

class Sweep {
 public:
  Sweep(const KernelDesc& k, const RangePattern& pat) : k_(k), pat_(pat) {}

  const Eval& at(double log2s) {
    auto it = cache_.find(log2s);
    if (it != cache_.end()) return it->second;
    return cache_.emplace(log2s, evaluate(log2s)).first->second;
  }

 private:
  Eval evaluate(double log2s) const {
    Eval e;
    e.log2s = log2s;
    const Problem p = range_problem(k_, pat_, std::exp2(log2s));
    e.max_in = max_scaled(pat_, p);
    CaseElements ce;
    try {
      ce = evaluate_elements(k_, p);
    } catch (const std::exception& ex) {
      e.total = e.bad = e.unpromised = 1;
      e.first_bad = {"kernel_error", ex.what()};
      e.first_unpromised = ex.what();
      e.first_bad_inside = true;
      e.kinds["kernel_error"] = 1;
      return e;
    }
    e.total = static_cast<int64_t>(ce.checks.size());
    for (size_t i = 0; i < ce.checks.size(); ++i) {
      const Judged j = judge(k_.recipe, ce.checks[i], i);
      const std::string& reason = ce.domain[i].empty() ? ce.case_reason : ce.domain[i];
      const bool bad = !j.kind.empty();
      if (bad) {
        ++e.kinds[j.kind];
        if (e.bad++ == 0) {
          e.first_bad = j;
          e.first_bad_inside = reason.empty();
        }
      }
      if (bad || !reason.empty())
        if (e.unpromised++ == 0)
          e.first_unpromised =
              bad ? j.text : fmt::format("element {}: outside the promise ({})", i, reason);
    }
    return e;
  }

  const KernelDesc& k_;
  const RangePattern& pat_;
  std::map<double, Eval> cache_;
};

// The sweep's scales: 0 and steps of `step` down to log2(min subnormal) and up to
// log2(max finite), both ends included.
std::vector<double> scale_grid(Format in, double step) {
  const FormatDesc& d = desc(in);
  const double lo = std::log2(d.min_subnormal()), hi = std::log2(d.max_finite());
  std::vector<double> g;
  for (double e = 0; e > lo; e -= step) g.push_back(e);
  g.push_back(lo);
  std::reverse(g.begin(), g.end());
  for (double e = step; e < hi; e += step) g.push_back(e);
  g.push_back(hi);
  return g;
}

struct Boundary {
  std::optional<double> value, bad_at;
  bool limited = false;
  const Eval* beyond = nullptr;  // the first bad scale found beyond the boundary
};

// Walks from the anchor in direction dir (+1 up, -1 down) to the first bad grid point and
// bisects between it and the last good one.
Boundary walk(Sweep& sw, const std::vector<double>& grid, size_t anchor, int dir, bool promised) {
  Boundary b;
  const double tol = std::log2(1 + kRelTol);
  for (auto i = static_cast<std::ptrdiff_t>(anchor) + dir;
       i >= 0 && i < static_cast<std::ptrdiff_t>(grid.size()); i += dir) {
    if (sw.at(grid[static_cast<size_t>(i)]).ok(promised)) continue;
    double good = grid[static_cast<size_t>(i - dir)], bad = grid[static_cast<size_t>(i)];
    while (std::fabs(bad - good) > tol) {
      const double mid = (good + bad) / 2;
      (sw.at(mid).ok(promised) ? good : bad) = mid;
    }
    b.limited = true;
    b.value = sw.at(good).max_in;
    b.beyond = &sw.at(bad);
    b.bad_at = b.beyond->max_in;
    return b;
  }
  b.value = sw.at(dir > 0 ? grid.back() : grid.front()).max_in;
  return b;
}

// The grid point the walks start from: max|x| = 1, or the good point nearest to it.
std::optional<size_t> anchor_of(Sweep& sw, const std::vector<double>& grid, bool promised) {
  const auto zero = static_cast<size_t>(std::find(grid.begin(), grid.end(), 0.0) - grid.begin());
  for (size_t d = 0; d < grid.size(); ++d) {
    if (zero + d < grid.size() && sw.at(grid[zero + d]).ok(promised)) return zero + d;
    if (d <= zero && sw.at(grid[zero - d]).ok(promised)) return zero - d;
  }
  return std::nullopt;
}

// The cliff on `side` nearest (in ratio) to the boundary's bracket.
void nearest_cliff(const std::vector<Cliff>& cliffs, const char* side, double at, std::string* what,
                   double* where) {
  double best = std::numeric_limits<double>::infinity();
  for (const Cliff& c : cliffs) {
    if (c.side != side) continue;
    const double d = std::fabs(std::log(c.at / at));
    if (d < best) {
      best = d;
      *what = c.what;
      *where = c.at;
    }
  }
}

RangeRecord sweep_kernel(const KernelDesc& k, uint64_t seed, double wide_step, double fp16_step) {
  RangeRecord r;
  r.kernel = k.name;
  r.op = k.op;
  const Recipe& rc = k.recipe;
  r.in_format = std::string(name(rc.in));
  r.acc_format = std::string(name(rc.acc));
  r.out_format = std::string(name(rc.out));
  r.stage_format = rc.stage ? std::string(name(*rc.stage)) : "";
  r.promised_max_abs_input = rc.domain.max_abs_input;
  RangePattern pat;
  try {
    pat = range_pattern(k, seed);
  } catch (const std::exception& e) {
    r.error = e.what();
    return r;
  }
  r.scaled = pat.scaled_desc;
  r.cliffs = range_cliffs(k, pat);
  // 16-bit and narrower formats span few binades: a finer step costs little there.
  const double step = desc(rc.in).exp_bits <= 5 ? fp16_step : wide_step;
  std::vector<double> grid = scale_grid(rc.in, step);
  // Just inside and beyond every computed cliff too: a band of bad scales that starts at a
  // cliff can be far narrower than a binade (gelu's erfc underflow: under 1%), and the grid
  // alone would find it in one run and miss it in another.
  const double lo = grid.front(), hi = grid.back();
  for (const Cliff& c : r.cliffs)
    for (double f : {1 - kCliffProbe, 1 + kCliffProbe}) {
      const double e = std::log2(c.at * f);
      if (e > lo && e < hi) grid.push_back(e);
    }
  std::sort(grid.begin(), grid.end());
  grid.erase(std::unique(grid.begin(), grid.end()), grid.end());
  Sweep sw(k, pat);
  for (double e : grid) {
    const Eval& v = sw.at(e);
    r.points.push_back({e, static_cast<double>(v.bad) / static_cast<double>(v.total),
                        static_cast<double>(v.unpromised) / static_cast<double>(v.total)});
  }
  if (const std::optional<size_t> a = anchor_of(sw, grid, false)) {
    // One side of the record from its walk: the boundary, and what lies beyond it.
    auto side = [&](const Boundary& b, const char* which, std::optional<double>& value,
                    bool& limited, std::optional<double>& bad, std::string& cause,
                    std::string& kind, bool& inside, std::string& cliff, double& cliff_at) {
      value = b.value;
      limited = b.limited;
      bad = b.bad_at;
      if (!b.beyond) return;
      cause = b.beyond->cause();
      kind = b.beyond->first_bad.kind;
      inside = b.beyond->first_bad_inside;
      nearest_cliff(r.cliffs, which, std::sqrt(*b.value * *b.bad_at), &cliff, &cliff_at);
    };
    side(walk(sw, grid, *a, +1, false), "upper", r.upper, r.upper_limited, r.upper_bad,
         r.upper_cause, r.upper_kind, r.upper_inside_promise, r.upper_cliff, r.upper_cliff_at);
    side(walk(sw, grid, *a, -1, false), "lower", r.lower, r.lower_limited, r.lower_bad,
         r.lower_cause, r.lower_kind, r.lower_inside_promise, r.lower_cliff, r.lower_cliff_at);
  } else {
    r.upper_limited = r.lower_limited = true;
    const Eval& at1 = sw.at(0.0);
    r.upper_cause = r.lower_cause = at1.cause();
    r.upper_kind = r.lower_kind = at1.first_bad.kind;
    r.upper_inside_promise = r.lower_inside_promise = at1.first_bad_inside;
  }
  if (const std::optional<size_t> a = anchor_of(sw, grid, true)) {
    const Boundary up = walk(sw, grid, *a, +1, true), down = walk(sw, grid, *a, -1, true);
    r.promised_upper = up.value;
    r.promised_upper_limited = up.limited;
    if (up.beyond) r.promised_upper_cause = up.beyond->first_unpromised;
    r.promised_lower = down.value;
    r.promised_lower_limited = down.limited;
    if (down.beyond) r.promised_lower_cause = down.beyond->first_unpromised;
  } else {
    r.promised_upper_limited = r.promised_lower_limited = true;
    r.promised_upper_cause = r.promised_lower_cause = sw.at(0.0).first_unpromised;
  }
  // A real problem: the kernel's own check fails inside its promise, or it breaks below the
  // |x| it declares.
  auto fails = [](bool limited, bool inside, const std::string& kind) {
    return limited && inside && is_check_failure_kind(kind);
  };
  r.breaks_inside_promise = fails(r.upper_limited, r.upper_inside_promise, r.upper_kind) ||
                            fails(r.lower_limited, r.lower_inside_promise, r.lower_kind) ||
                            (r.upper_limited && r.upper && *r.upper < r.promised_max_abs_input &&
                             std::isfinite(r.promised_max_abs_input));
  return r;
}

// Grid points of a kernel's sweep times the cost of one evaluation, roughly: the order in
// which the pool takes kernels, so that the long sweeps do not start last.
double cost_estimate(const KernelDesc& k) {
  const double points =
      std::log2(desc(k.recipe.in).max_finite() / desc(k.recipe.in).min_subnormal());
  const OpInfo* op = find_op(k.op);
  return points * (op ? op->range.cost : 1);
}

}  // namespace

RangeResult run_range(const StudyOptions& opt) {
  const auto start = std::chrono::steady_clock::now();
  // Quick: every binade of the wide formats, half binades of the 16-bit and 8-bit ones (a band
  // of bad scales narrower than the step that starts at no cliff can be missed); full: half
  // and eighth binades. The bisection refines every boundary to 1e-4 in both.
  const double wide_step = opt.quick ? 1 : 0.5, narrow_step = opt.quick ? 0.5 : 0.125;
  std::vector<const KernelDesc*> ks = opt.kernels;
  std::vector<size_t> order(ks.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return cost_estimate(*ks[a]) > cost_estimate(*ks[b]);
  });
  RangeResult res;
  res.records.resize(ks.size());
  std::mutex mu;
  int64_t done = 0;
  parallel_for(static_cast<int64_t>(ks.size()), opt.threads, [&](int64_t j) {
    const size_t i = order[static_cast<size_t>(j)];
    res.records[i] = sweep_kernel(*ks[i], opt.seed, wide_step, narrow_step);
    std::lock_guard<std::mutex> lock(mu);
    opt.report(fmt::format("range: {}/{} {}", ++done, ks.size(), ks[i]->name));
  });
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return res;
}

bool is_check_failure_kind(const std::string& kind) {
  return !kind.empty() && kind != "output_overflow" && kind != "nonfinite" && kind != "zero" &&
         kind != "no_correct_digit";
}

const RangeRecord* RangeResult::find(const std::string& kernel) const {
  for (const RangeRecord& r : records)
    if (r.kernel == kernel) return &r;
  return nullptr;
}

}  // namespace numguard::studies
