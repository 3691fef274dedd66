#include "harness/explain/explain_run.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <mutex>
#include <numeric>
#include <thread>

#include <fmt/format.h>

#include "harness/engine/check_runner.h"
#include "harness/engine/generators.h"
#include "harness/engine/op.h"
#include "harness/explain/hypothesis.h"
#include "harness/explain/probes.h"

namespace numguard::explain {
namespace {

// How a model's output compares with the kernel's on one case.
struct Match {
  bool bits = true;    // every element bit for bit (any NaN matches any NaN, +0 matches -0)
  bool within = true;  // every element within its bound of the model's
};

Match compare(const Tensor& out, const Tensor& model, const std::vector<OpElement>& el) {
  Match m;
  if (out.format != model.format || out.size() != model.size()) return {false, false};
  for (size_t i = 0; i < out.size() && m.within; ++i) {
    const uint64_t o = out.bits[i], p = model.bits[i];
    if (o == p || (is_nan(out.format, o) && is_nan(out.format, p))) continue;
    const double vo = out.value(i), vp = model.value(i);
    // A zero's sign depends on whether a loop starts from +0 or -0, or skips a term rather than
    // adding a zero: a detail no hypothesis is about.
    if (vo == 0 && vp == 0) continue;
    m.bits = false;
    const double bound = i < el.size() ? el[i].bound : 0.0;
    m.within = std::isfinite(vo) && std::isfinite(vp) && std::fabs(vo - vp) <= bound;
  }
  return m;
}

struct Tally {
  int64_t cases = 0, failing = 0, passing = 0, skipped = 0;
  std::string internal_error;  // the first case numguard's own code failed on
  std::vector<int64_t> failing_cases;
  std::vector<Score> scores;  // parallel to the catalogue
};

void evaluate(const KernelDesc& k, const std::vector<Hypothesis>& cat, uint64_t seed, int64_t i,
              Tally& t) {
  ++t.cases;
  const Problem p = make_case(k, seed, i);
  Tensor out;
  CaseElements ce;
  CaseOutcome oc;
  try {
    oc = evaluate_case(k, p, &out, &ce);
  } catch (const std::exception& e) {
    const Verdict v = verdict_of(e);
    if (v == Verdict::kernel_error) {  // a failure a model can predict (PredictedKernelError)
      ++t.failing;
      t.failing_cases.push_back(i);
      const OpInfo& op = *find_op(k.op);
      for (size_t h = 0; h < cat.size(); ++h) {
        bool predicted = false;
        try {
          Tensor model(k.recipe.out, op.out_shape(p));
          cat[h].predict(p, model);
        } catch (const PredictedKernelError&) {
          predicted = true;
        } catch (const std::exception&) {
        }
        Score& s = t.scores[h];
        s.reproduces += predicted;
        s.within_bound += predicted;
        if (!predicted && s.unexplained.size() < 8) s.unexplained.push_back(i);
      }
      return;
    }
    ++t.skipped;  // refused or crashed: nothing to fit
    if (v == Verdict::internal_error && t.internal_error.empty())
      t.internal_error = fmt::format("case {}: {}", i, e.what());
    return;
  }
  if (oc.domain_limit) {
    ++t.skipped;
    return;
  }
  const bool failing = is_failure(oc.verdict);
  if (failing) {
    ++t.failing;
    t.failing_cases.push_back(i);
  } else {
    ++t.passing;
  }
  const OpInfo& op = *find_op(k.op);
  for (size_t h = 0; h < cat.size(); ++h) {
    Score& s = t.scores[h];
    Match m{false, false};
    try {
      Tensor model(k.recipe.out, op.out_shape(p));
      cat[h].predict(p, model);
      m = compare(out, model, ce.elements);
    } catch (const std::exception&) {  // the model cannot compute this case
    }
    if (failing) {
      s.reproduces += m.bits;
      s.within_bound += m.within;
      if (!m.within && s.unexplained.size() < 8) s.unexplained.push_back(i);
    } else {
      s.breaks_passing += !m.within;
      s.passing_reproduced += m.bits;
    }
  }
}

// Best first: explains more failures, breaks fewer passing cases, reproduces more bit for bit.
bool better(const Score& a, const Score& b) {
  if (a.within_bound != b.within_bound) return a.within_bound > b.within_bound;
  if (a.breaks_passing != b.breaks_passing) return a.breaks_passing < b.breaks_passing;
  if (a.probe_agree != b.probe_agree) return a.probe_agree > b.probe_agree;
  // Then bit-for-bit agreement over every case: a passing case whose bits a model reproduces
  // (where the declared recipe does not) is evidence too, the only evidence where a mechanism
  // rarely fails (a flushed subnormal product beside normal ones stays inside the bound).
  return a.reproduces + a.passing_reproduced > b.reproduces + b.passing_reproduced;
}

std::string cases_text(int64_t n) {
  return fmt::format("{} case{}", n, n == 1 ? "" : "s");
}

std::string probe_text(const Score& top, const Explanation& e) {
  if (std::ranges::find(e.probed, top.tag) == e.probed.end() || e.probes == 0) return "";
  return fmt::format(", and {} of {} probes built to tell it from the other candidates",
                     top.probe_agree, e.probes);
}

std::string verdict_text(const Explanation& e) {
  if (e.failing == 0)
    return fmt::format("{} passes all {} it was judged on: nothing to explain.", e.kernel,
                       cases_text(e.passing));
  if (!e.modelled)
    return fmt::format(
        "{} fails {}, but numguard has no model of its op and recipe to test "
        "hypotheses with: no hypothesis explains the failures.",
        e.kernel, cases_text(e.failing));
  const Score& top = e.hypotheses.front();
  const std::string on =
      e.structure.empty() ? std::string() : fmt::format(" (built on the fitted {})", e.structure);
  const std::string evidence = fmt::format(
      "Its model reproduces {} of {} failing cases bit for bit ({} within the bound), agrees "
      "with {} of {} passing ones{}",
      top.reproduces, e.failing, top.within_bound, e.passing - top.breaks_passing, e.passing,
      probe_text(top, e));
  if (explains_all(top, e) && top.tag == "as_declared")
    return fmt::format(
        "the kernel computes as its recipe declares, yet fails: numguard's bound "
        "for this recipe is too tight (numguard's bug: please report it). {}.",
        evidence);
  // A runner-up with the same evidence in every column: these cases cannot tell them apart.
  std::string tie;
  if (e.hypotheses.size() > 1) {
    const Score& s = e.hypotheses[1];
    if (s.within_bound == top.within_bound && s.breaks_passing == top.breaks_passing &&
        s.probe_agree == top.probe_agree &&
        s.reproduces + s.passing_reproduced == top.reproduces + top.passing_reproduced)
      tie = fmt::format(
          " {} fits these cases exactly as well: cases that separate them (another "
          "--shape, more --cases) would tell which.",
          s.tag);
  }
  if (explains_all(top, e))
    return fmt::format("mechanism {}: {}{}. {}.{}", top.tag, top.description, on, evidence, tie);
  const Score* second = e.hypotheses.size() > 1 ? &e.hypotheses[1] : nullptr;
  // Most likely: >= 90 % of the failures within the model's bound, at most 1 % of the passing
  // cases leaving it (a kernel whose own erf or exp differs from the model's by an ulp breaks
  // the odd passing case where the formula cancels), and no runner-up close to it.
  if (100 * top.breaks_passing <= e.passing && 10 * top.within_bound >= 9 * e.failing &&
      (!second || 2 * second->within_bound <= top.within_bound ||
       second->breaks_passing > top.breaks_passing))
    return fmt::format(
        "most likely mechanism {}: {}{}. {}; the other {} failing cases{} differ from its model "
        "by more than the bound (first: {}), so the kernel also differs in a detail the model "
        "does not have (its own exp, erf or rounding of an intermediate).",
        top.tag, top.description, on, evidence, e.failing - top.within_bound,
        top.breaks_passing ? fmt::format(" and {} passing ones", top.breaks_passing) : "",
        top.unexplained.empty() ? std::string("-") : std::to_string(top.unexplained.front()));
  std::string closest;
  for (size_t i = 0; i < e.hypotheses.size() && i < 3; ++i)
    closest += fmt::format("{}{} ({} of {} failing within the bound, breaks {} passing)",
                           i ? "; " : "", e.hypotheses[i].tag, e.hypotheses[i].within_bound,
                           e.failing, e.hypotheses[i].breaks_passing);
  return fmt::format("no hypothesis explains the failures; the closest: {}.", closest);
}

}  // namespace

CaseFit fit_case(const KernelDesc& k, const Problem& p, const Tensor& out, size_t worst) {
  CaseFit f;
  const std::vector<Hypothesis> cat = catalogue(k.op, k.recipe);
  const OpInfo& op = *find_op(k.op);
  double closest = INFINITY;
  for (const Hypothesis& h : cat) {
    Tensor model(k.recipe.out, op.out_shape(p));
    try {
      h.predict(p, model);
    } catch (const std::exception&) {
      continue;
    }
    if (compare(out, model, {}).bits) {
      if (std::ranges::find(f.reproducing, h.tag) == f.reproducing.end())
        f.reproducing.push_back(h.tag);
    } else if (worst < model.size() && worst < out.size()) {
      const double d = std::fabs(model.value(worst) - out.value(worst));
      if (d < closest) {
        closest = d;
        f.closest_tag = h.tag;
        f.closest_bits = model.bits[worst];
      }
    }
  }
  if (!f.reproducing.empty()) f.closest_tag.clear();
  return f;
}

bool explains_all(const Score& s, const Explanation& e) {
  return e.failing > 0 && s.within_bound == e.failing && s.breaks_passing == 0;
}

namespace {

// One pass over the cases: every hypothesis of `cat` scored on each.
Tally run_pass(const KernelDesc& k, const std::vector<Hypothesis>& cat, const ExplainOptions& opt) {
  const int64_t total = run_case_count(opt.cases);
  unsigned threads = opt.threads ? opt.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<int64_t>(threads, std::max<int64_t>(total, 1)));
  std::atomic<int64_t> next{0};
  std::mutex mu;
  Tally all;
  all.scores.resize(cat.size());
  std::exception_ptr error;
  const auto work = [&] {
    Tally t;
    t.scores.resize(cat.size());
    try {
      for (int64_t i; (i = next++) < total;) evaluate(k, cat, opt.seed, i, t);
    } catch (...) {
      const std::lock_guard lock(mu);
      error = std::current_exception();
      return;
    }
    const std::lock_guard lock(mu);
    all.cases += t.cases;
    all.failing += t.failing;
    all.passing += t.passing;
    all.skipped += t.skipped;
    if (all.internal_error.empty()) all.internal_error = t.internal_error;
    all.failing_cases.insert(all.failing_cases.end(), t.failing_cases.begin(),
                             t.failing_cases.end());
    for (size_t h = 0; h < cat.size(); ++h) {
      Score& a = all.scores[h];
      const Score& b = t.scores[h];
      a.reproduces += b.reproduces;
      a.within_bound += b.within_bound;
      a.breaks_passing += b.breaks_passing;
      a.passing_reproduced += b.passing_reproduced;
      a.unexplained.insert(a.unexplained.end(), b.unexplained.begin(), b.unexplained.end());
    }
  };
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back(work);
  work();
  for (std::thread& th : pool) th.join();
  if (error) std::rethrow_exception(error);
  return all;
}

// The structure to build the other hypotheses on: the summation order that reproduces the
// passing cases bit for bit clearly more often than the declared one (a vendor kernel that
// declares "any", a plugin that declares the wrong order), or nullptr to keep the declared one.
// An expert finds the structure first and the bug second.
const Hypothesis* fitted_structure(const std::vector<Hypothesis>& cat, const Tally& t) {
  if (cat.empty() || t.failing == 0) return nullptr;
  const int64_t declared = t.scores[0].passing_reproduced;
  const Hypothesis* best = nullptr;
  int64_t best_agree = declared + std::max<int64_t>(5, t.passing / 20);
  for (size_t h = 1; h < cat.size(); ++h)
    if (cat[h].structure && t.scores[h].breaks_passing == 0 &&
        t.scores[h].passing_reproduced > best_agree) {
      best = &cat[h];
      best_agree = t.scores[h].passing_reproduced;
    }
  return best;
}

}  // namespace

Explanation explain_kernel(const KernelDesc& k, const ExplainOptions& opt) {
  Explanation e;
  e.kernel = k.name;
  std::vector<Hypothesis> cat = catalogue(k.op, k.recipe);
  e.modelled = !cat.empty();
  // The check alone first: a kernel that passes costs no model run.
  Tally all = run_pass(k, {}, opt);
  if (all.failing > 0 && !cat.empty()) all = run_pass(k, cat, opt);
  if (const Hypothesis* base = fitted_structure(cat, all)) {
    e.structure = base->tag;
    const std::string description = base->description;
    const Recipe fitted = *base->structure;
    cat = catalogue(k.op, fitted);
    // The fitted structure's own model stands in the table under its order= tag.
    cat.front().tag = e.structure;
    cat.front().description = description;
    all = run_pass(k, cat, opt);
  }
  e.cases = all.cases;
  e.failing = all.failing;
  e.passing = all.passing;
  e.skipped = all.skipped;
  e.internal_error = all.internal_error;
  std::ranges::sort(all.failing_cases);
  e.failing_cases = std::move(all.failing_cases);
  if (e.failing > 0) {
    // One row per tag: its best variant (a parameter search such as the staging format of a
    // softmax without max subtraction reports the variant that fits).
    std::map<std::string, size_t> best;
    std::vector<Score> rows;
    for (size_t h = 0; h < cat.size(); ++h) {
      Score s = all.scores[h];
      s.tag = cat[h].tag;
      s.index = h;
      s.description = cat[h].description;
      std::ranges::sort(s.unexplained);
      if (s.unexplained.size() > 8) s.unexplained.resize(8);
      const auto [it, fresh] = best.try_emplace(s.tag, rows.size());
      if (fresh) {
        rows.push_back(std::move(s));
      } else if (better(s, rows[it->second])) {
        rows[it->second] = std::move(s);
      }
    }
    std::ranges::stable_sort(rows, better);
    // The rows that fit the cases equally well, separated by experiments; a leader without a
    // tie is still tested against the next rows that break no passing case (thin evidence,
    // such as one failing case, is then confirmed or overturned).
    std::vector<const Hypothesis*> tied;
    for (const Score& s : rows)
      if (tied.size() < 8 && s.within_bound == rows[0].within_bound &&
          s.breaks_passing == rows[0].breaks_passing)
        tied.push_back(&cat[s.index]);
    std::vector<size_t> probed_rows(tied.size());
    std::iota(probed_rows.begin(), probed_rows.end(), size_t{0});
    if (tied.size() == 1)
      for (size_t r = 1; r < rows.size() && tied.size() < 4; ++r)
        if (rows[r].breaks_passing == 0) {
          tied.push_back(&cat[rows[r].index]);
          probed_rows.push_back(r);
        }
    if (tied.size() >= 2 && rows[0].within_bound > 0) {
      const ProbeResult pr = run_probes(k, tied, opt.seed);
      e.probes = pr.probes;
      for (size_t t = 0; t < tied.size(); ++t) {
        rows[probed_rows[t]].probe_agree = pr.agree[t];
        e.probed.push_back(rows[probed_rows[t]].tag);
      }
      std::ranges::stable_sort(rows, better);
    }
    e.hypotheses = std::move(rows);
  }
  e.explained = e.failing == 0 || (!e.hypotheses.empty() && explains_all(e.hypotheses.front(), e));
  e.verdict = verdict_text(e);
  return e;
}

}  // namespace numguard::explain
