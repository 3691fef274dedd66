// The accumulation sweep: per (op, input format, distribution, n) one task builds the trials'
// problems once and evaluates every selected kernel of that op and input format on them (the
// same inputs for every recipe, and GenDot's construction paid once); then each positive-term
// curve whose computed sum stopped changing is bisected over n for the stagnation length.
#include "harness/studies/accumulation.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <map>

#include "harness/engine/check_runner.h"
#include "harness/studies/accumulation_inputs.h"
#include "harness/studies/parallel.h"

namespace numguard::studies {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Group {
  const AccumulationOp* op = nullptr;
  Format in = Format::fp32;
  std::vector<const KernelDesc*> kernels;
};

struct Task {
  size_t group = 0, dist = 0;
  int log2_n = 0;
  double cost = 0;
};

bool applies(const AccumulationOp& op, const Distribution& d) {
  return d.kind != DistKind::gendot || op.gendot;
}

// Nearest-rank quantile of sorted v.
double quantile(const std::vector<double>& v, double q) {
  if (v.empty()) return kNaN;
  const auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
  return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
}

// The samples of one kernel at one point, folded into an AccumulationPoint at the end.
struct Collector {
  AccumulationPoint pt;
  std::vector<double> rel, bound_rel, cond;
  bool have_first = false;

  // fit: whether this trial is among the first min_trials (the growth fit's samples).
  void add(const KernelDesc& k, const Problem& p, bool first_trial, bool fit) {
    ++pt.trials;
    CaseElements ce;
    try {
      ce = evaluate_elements(k, p);
    } catch (const std::exception&) {
      ++pt.kernel_errors;
      return;
    }
    const double u_out = desc(k.recipe.out).unit_roundoff();
    const double min_normal_out = desc(k.recipe.out).min_normal();
    for (size_t i = 0; i < ce.checks.size(); ++i) {
      const ElementCheck& e = ce.checks[i];
      if (first_trial && i == 0) {
        pt.first_output = e.output;
        pt.first_reference = e.reference;
        have_first = true;
      }
      if (!std::isfinite(e.reference) || !std::isfinite(e.output) || !std::isfinite(e.error)) {
        ++pt.nonfinite;
        continue;
      }
      if (e.reference == 0) {
        ++pt.skipped_zero;
        continue;
      }
      const double ay = std::fabs(e.reference);
      rel.push_back(e.error / ay);
      if (fit) pt.fit_max_rel = std::max(pt.fit_max_rel, e.error / ay);
      // Outside the promise (e.g. partial sums that may overflow once the bound is vacuous)
      // the error is still measured, but the bound promises nothing there.
      if (!ce.domain[i].empty()) {
        ++pt.skipped_domain;
        continue;
      }
      bound_rel.push_back(e.bound / ay);
      const double ratio = e.ratio();
      if (std::isfinite(ratio)) {
        pt.max_bound_ratio = std::max(pt.max_bound_ratio, ratio);
        if (e.bound > 2 * u_out * ay && ay >= min_normal_out)
          pt.max_acc_bound_ratio = std::max(pt.max_acc_bound_ratio, ratio);
      }
      if (e.error > e.bound) {
        ++pt.violations;
        if (!std::isfinite(ratio)) pt.max_bound_ratio = std::numeric_limits<double>::infinity();
      }
    }
  }

  AccumulationPoint finish(const KernelDesc& k, int64_t n) {
    if (!have_first) pt.first_output = pt.first_reference = kNaN;
    pt.n = n;
    pt.samples = static_cast<int64_t>(rel.size());
    const double u_out = desc(k.recipe.out).unit_roundoff();
    pt.sqrt_n_u = std::sqrt(static_cast<double>(n)) * desc(k.recipe.acc).unit_roundoff();
    std::sort(rel.begin(), rel.end());
    pt.max_rel = rel.empty() ? kNaN : rel.back();
    pt.median_rel = quantile(rel, 0.5);
    pt.p99_rel = quantile(rel, 0.99);
    pt.max_u = pt.max_rel / u_out;
    pt.median_u = pt.median_rel / u_out;
    pt.p99_u = pt.p99_rel / u_out;
    std::sort(bound_rel.begin(), bound_rel.end());
    pt.bound_rel = bound_rel.empty() ? kNaN : bound_rel.back();
    pt.median_bound_rel = quantile(bound_rel, 0.5);
    std::sort(cond.begin(), cond.end());
    pt.condition = quantile(cond, 0.5);
    return pt;
  }
};

// Least-squares slope of log(fit_max_rel) against log(n) over the points with a nonzero error.
double growth_exponent(const std::vector<AccumulationPoint>& pts) {
  std::vector<std::pair<double, double>> xy;
  for (const AccumulationPoint& p : pts)
    if (p.samples > 0 && std::isfinite(p.fit_max_rel) && p.fit_max_rel > 0)
      xy.emplace_back(std::log(static_cast<double>(p.n)), std::log(p.fit_max_rel));
  if (xy.size() < 3) return kNaN;
  double mx = 0, my = 0;
  for (const auto& [x, y] : xy) {
    mx += x;
    my += y;
  }
  mx /= static_cast<double>(xy.size());
  my /= static_cast<double>(xy.size());
  double sxy = 0, sxx = 0;
  for (const auto& [x, y] : xy) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) * (x - mx);
  }
  return sxx > 0 ? sxy / sxx : kNaN;
}

// Trial 0's first output at length n, from the kernel alone (the bisection needs no reference).
double first_output_at(const KernelDesc& k, const Distribution& d, int64_t n, uint64_t seed) {
  const Problem p = accumulation_problem(k, d, n, 0, seed);
  Tensor out(k.recipe.out, {p.m, p.n});
  k.run(p, out);
  return out.value(0);
}

// A positive-term sum has stagnated when doubling n at the end of the sweep left the computed
// value unchanged while the exact one grew. The smallest n from which it no longer changes is
// then found by bisection between the last sweep length whose value differs and the first
// that has the final value (the computed sum of positive terms is nondecreasing in n for the
// orders that stagnate, so the bisection is exact for them).
void find_stagnation(const KernelDesc& k, const Distribution& d, uint64_t seed,
                     AccumulationCurve& c) {
  std::vector<const AccumulationPoint*> pts;
  for (const AccumulationPoint& p : c.points)
    if (std::isfinite(p.first_output) && std::isfinite(p.first_reference)) pts.push_back(&p);
  if (pts.size() < 2) return;
  const AccumulationPoint& last = *pts.back();
  const AccumulationPoint& prev = *pts[pts.size() - 2];
  if (last.n != 2 * prev.n || last.first_output != prev.first_output ||
      !(last.first_reference > prev.first_reference))
    return;
  size_t j0 = pts.size() - 1;
  while (j0 > 0 && pts[j0 - 1]->first_output == last.first_output) --j0;
  int64_t lo = j0 > 0 ? pts[j0 - 1]->n : 0, hi = pts[j0]->n;
  while (hi - lo > 1) {
    const int64_t mid = lo + (hi - lo) / 2;
    if (first_output_at(k, d, mid, seed) == last.first_output)
      hi = mid;
    else
      lo = mid;
  }
  c.stagnation_n = hi;
  c.stagnation_value = last.first_output;
}

// Groups: the selected kernels of each reducing op, by input format, in report order.
std::vector<Group> kernel_groups(const std::vector<const KernelDesc*>& kernels) {
  std::vector<Group> groups;
  for (const AccumulationOp& op : accumulation_ops()) {
    std::map<Format, Group> by_in;
    for (const KernelDesc* k : kernels)
      if (k->op == op.op) {
        Group& g = by_in[k->recipe.in];
        g.op = &op;
        g.in = k->recipe.in;
        g.kernels.push_back(k);
      }
    for (auto& [in, g] : by_in) groups.push_back(std::move(g));
  }
  return groups;
}

// One task per (group, distribution, n), with its cost in kernel-element evaluations.
std::vector<Task> sweep_tasks(const std::vector<Group>& groups,
                              const std::vector<Distribution>& dists, bool quick) {
  std::vector<Task> tasks;
  for (size_t gi = 0; gi < groups.size(); ++gi) {
    const AccumulationOp& op = *groups[gi].op;
    for (size_t di = 0; di < dists.size(); ++di) {
      if (!applies(op, dists[di])) continue;
      const int top = quick                                              ? op.max_log2_n_quick
                      : dists[di].name == "normal" && op.max_log2_n_long ? op.max_log2_n_long
                                                                         : op.max_log2_n_full;
      for (int e = 4; e <= top; ++e) {
        const auto n = int64_t{1} << e;
        const double cost = static_cast<double>(n * trials_at(op, n, quick)) *
                            static_cast<double>(groups[gi].kernels.size());
        tasks.push_back({gi, di, e, cost});
      }
    }
  }
  return tasks;
}

// One task: every kernel of the group on the same trials at length n. Empty when no trial was
// kept (GenDot could not reach its condition at this n).
std::vector<AccumulationPoint> run_task(const Group& g, const Distribution& d, int64_t n,
                                        const StudyOptions& opt) {
  const int64_t trials = trials_at(*g.op, n, opt.quick);
  std::vector<Collector> col(g.kernels.size());
  int64_t kept = 0;
  for (int64_t trial = 0; trial < trials; ++trial) {
    // GenDot: two trials without a condition in the window mark the target unreachable at
    // this n (the construction's condition grows with n); the rest would be wasted work.
    if (d.kind == DistKind::gendot && trial >= 2 && kept == 0) break;
    double cond = kNaN;
    const Problem p = accumulation_problem(*g.kernels[0], d, n, trial, opt.seed, &cond);
    if (d.kind == DistKind::gendot) {
      // The acceptance window of docs/REFERENCE.md, "GenDot": [c/3, 3c].
      if (!(cond >= d.cond / 3 && cond <= d.cond * 3)) continue;
      for (Collector& c : col) c.cond.push_back(cond);
    }
    const bool fit = kept < g.op->min_trials;
    ++kept;
    for (size_t ki = 0; ki < g.kernels.size(); ++ki)
      col[ki].add(*g.kernels[ki], p, trial == 0, fit);
  }
  std::vector<AccumulationPoint> out;
  if (kept > 0)
    for (size_t ki = 0; ki < g.kernels.size(); ++ki)
      out.push_back(col[ki].finish(*g.kernels[ki], n));
  return out;
}

// Runs every task on the pool; results[ti] holds task ti's points (one per group kernel).
std::vector<std::vector<AccumulationPoint>> run_tasks(const std::vector<Task>& tasks,
                                                      const std::vector<Group>& groups,
                                                      const std::vector<Distribution>& dists,
                                                      const StudyOptions& opt) {
  // Longest first, so the last tasks on the pool are short (slots keep the output order).
  std::vector<size_t> order(tasks.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return tasks[a].cost > tasks[b].cost; });

  std::vector<std::vector<AccumulationPoint>> results(tasks.size());
  std::atomic<int64_t> done{0};
  const int64_t total = static_cast<int64_t>(tasks.size());
  const int64_t step = std::max<int64_t>(1, total / 20);
  parallel_for(total, opt.threads, [&](int64_t slot) {
    const size_t ti = order[static_cast<size_t>(slot)];
    const Task& t = tasks[ti];
    const Group& g = groups[t.group];
    const Distribution& d = dists[t.dist];
    const int64_t n = int64_t{1} << t.log2_n;
    results[ti] = run_task(g, d, n, opt);
    const int64_t now = done.fetch_add(1) + 1;
    if (now % step == 0 || now == total)
      opt.report("accumulation: " + std::to_string(now) + "/" + std::to_string(total) + " " +
                 g.op->op + " " + std::string(name(g.in)) + " " + d.name +
                 " n=" + std::to_string(n));
  });
  return results;
}

// A curve's description: the kernel, its recipe's formats and their unit roundoffs.
AccumulationCurve curve_of(const KernelDesc& k, const Distribution& d) {
  AccumulationCurve c;
  c.kernel = k.name;
  c.op = k.op;
  c.distribution = d.name;
  c.recipe = k.recipe.summary();
  c.input = std::string(name(k.recipe.in));
  c.accumulation = std::string(name(k.recipe.acc));
  c.output = std::string(name(k.recipe.out));
  c.mutant = k.mutant;
  c.u_out = desc(k.recipe.out).unit_roundoff();
  c.u_acc = desc(k.recipe.acc).unit_roundoff();
  return c;
}

// Curves in report order: group, kernel, distribution; points by n.
std::vector<AccumulationCurve> assemble_curves(
    const std::vector<Task>& tasks, const std::vector<Group>& groups,
    const std::vector<Distribution>& dists,
    const std::vector<std::vector<AccumulationPoint>>& results) {
  std::vector<AccumulationCurve> curves;
  std::map<std::pair<size_t, size_t>, std::vector<size_t>> task_of;  // (group, dist) -> tasks
  for (size_t ti = 0; ti < tasks.size(); ++ti)
    task_of[{tasks[ti].group, tasks[ti].dist}].push_back(ti);
  for (size_t gi = 0; gi < groups.size(); ++gi) {
    const Group& g = groups[gi];
    for (size_t ki = 0; ki < g.kernels.size(); ++ki) {
      const KernelDesc& k = *g.kernels[ki];
      for (size_t di = 0; di < dists.size(); ++di) {
        if (!applies(*g.op, dists[di])) continue;
        AccumulationCurve c = curve_of(k, dists[di]);
        for (size_t ti : task_of[{gi, di}]) {  // ascending n
          if (results[ti].empty())
            c.unreachable_n.push_back(int64_t{1} << tasks[ti].log2_n);
          else
            c.points.push_back(results[ti][ki]);
        }
        c.growth_exponent = growth_exponent(c.points);
        curves.push_back(std::move(c));
      }
    }
  }
  return curves;
}

// Stagnation: positive-term curves of the ops whose output is the sum itself.
void add_stagnation(std::vector<AccumulationCurve>& curves, const std::vector<Distribution>& dists,
                    const StudyOptions& opt) {
  std::vector<size_t> candidates;
  for (size_t i = 0; i < curves.size(); ++i) {
    const AccumulationOp* op = find_accumulation_op(curves[i].op);
    const Distribution* d = nullptr;
    for (const Distribution& x : dists)
      if (x.name == curves[i].distribution) d = &x;
    if (op && op->stagnation && d && d->positive()) candidates.push_back(i);
  }
  parallel_for(static_cast<int64_t>(candidates.size()), opt.threads, [&](int64_t i) {
    AccumulationCurve& c = curves[candidates[static_cast<size_t>(i)]];
    const KernelDesc* k = nullptr;
    for (const KernelDesc* x : opt.kernels)
      if (x->name == c.kernel) k = x;
    for (const Distribution& d : dists)
      if (d.name == c.distribution && k) find_stagnation(*k, d, opt.seed, c);
  });
}

}  // namespace

AccumulationResult run_accumulation(const StudyOptions& opt) {
  const std::vector<Distribution>& dists = distributions();
  const std::vector<Group> groups = kernel_groups(opt.kernels);
  const std::vector<Task> tasks = sweep_tasks(groups, dists, opt.quick);
  const std::vector<std::vector<AccumulationPoint>> results = run_tasks(tasks, groups, dists, opt);
  AccumulationResult r;
  r.curves = assemble_curves(tasks, groups, dists, results);
  add_stagnation(r.curves, dists, opt);
  opt.report("accumulation: done");
  return r;
}

const AccumulationCurve* AccumulationResult::find(const std::string& kernel,
                                                  const std::string& distribution) const {
  for (const AccumulationCurve& c : curves)
    if (c.kernel == kernel && c.distribution == distribution) return &c;
  return nullptr;
}

}  // namespace numguard::studies
