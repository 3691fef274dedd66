#include "harness/engine/check_runner.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <thread>

#include "harness/engine/bound.h"
#include "harness/engine/generators.h"
#include "harness/engine/model_conformance.h"
#include "harness/engine/op.h"
#include "harness/engine/random.h"
#include "harness/engine/reduction_reference.h"
#include "harness/engine/registry.h"
#include "kernels_under_test/cpu/twin_arch.h"
#include "kernels_under_test/cuda/device_status.h"

namespace numguard {
namespace {

std::vector<const Generator*> generators_for(const CheckOptions& opt) {
  std::vector<const Generator*> out;
  for (const Generator& g : reduction_generators())
    if (opt.generators.empty() ||
        std::find(opt.generators.begin(), opt.generators.end(), g.name) != opt.generators.end())
      out.push_back(&g);
  return out;
}

// Operand-exponent alignment (H100 mma.sync) reads a subnormal operand at the input's emin,
// so its product is aligned up to min_normal / |x| times higher than its size. Per output
// element: only row i of A and column j of B feed element (i, j).
double align_inflation(const Recipe& r, const Problem& p, int64_t i, int64_t j) {
  const bool fused = r.shape.order == Order::fused_block ||
                     (r.shape.order == Order::split_k && r.shape.frac_bits > 0);
  if (!fused || !r.shape.operand_exponents) return 1.0;
  const double min_normal = desc(r.in).min_normal();
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

int severity(Verdict v) {
  switch (v) {
    case Verdict::within_bound:
      return 0;
    case Verdict::domain_limit:
      return 1;
    default:
      return 2;
  }
}

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

// Why a whole case lies outside the recipe's promised input domain, or "" when it lies inside.
std::string case_domain_reason(const Recipe& r, const Problem& p) {
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

}  // namespace

std::vector<const KernelDesc*> runnable_kernels(const std::vector<const KernelDesc*>& kernels,
                                                DeviceChoice choice, std::string* skipped_why,
                                                int* skipped) {
  const cuda::DeviceStatus& dev = cuda::device_status();
  const bool gpu = choice != DeviceChoice::cpu && dev.available;
  if (gpu) kernels::set_twin_arch(cuda::tc_arch_of_device());
  std::vector<const KernelDesc*> out;
  int n = 0;
  for (const KernelDesc* k : kernels) {
    if (k->device == Device::cpu || gpu) {
      out.push_back(k);
    } else {
      ++n;
    }
  }
  if (skipped) *skipped = n;
  if (skipped_why) *skipped_why = choice == DeviceChoice::cpu ? "--device cpu" : dev.why_not;
  return out;
}

Problem make_case(const KernelDesc& k, uint64_t seed, int64_t index, std::string* generator) {
  const auto gens = reduction_generators();
  const Generator& g = gens[static_cast<size_t>(index) % gens.size()];
  if (generator) *generator = g.name;
  Rng rng(case_seed(seed, static_cast<uint64_t>(index)));
  if (const OpInfo* op = find_op(k.op)) return op->make(k, rng, g.name);
  return g.make(k, rng);
}

namespace {

// The device kernel's twin output, when k is a device kernel with a twin.
std::optional<Tensor> twin_output(const KernelDesc& k, const Problem& p, const Tensor& like) {
  if (k.device == Device::cpu || k.twin_of.empty()) return std::nullopt;
  const KernelDesc* t = find_kernel(k.twin_of);
  if (!t) throw std::runtime_error(k.name + ": twin " + k.twin_of + " is not registered");
  Tensor twin(like.format, like.shape);
  t->run(p, twin);
  return twin;
}

// Folds element i's judgement into the case: a twin difference overrides the verdict, a
// domain-limited element cannot fail (except against its twin), the worst element is kept.
void fold_element(CaseOutcome& c, const Recipe& r, size_t i, ElementCheck e, bool limited,
                  double sum_abs, const Tensor& out, const std::optional<Tensor>& twin) {
  if (twin && twin->bits[i] != out.bits[i] &&
      !(is_nan(r.out, twin->bits[i]) && is_nan(r.out, out.bits[i]))) {
    if (!c.twin_diff) {
      c.twin_diff = i;
      c.twin_bits = twin->bits[i];
      c.device_bits = out.bits[i];
    }
    e.verdict = Verdict::twin_mismatch;  // whatever the bound says: the twin is the contract
  }
  if (limited && is_failure(e.verdict) && e.verdict != Verdict::twin_mismatch)
    e.verdict = Verdict::domain_limit;
  if (!limited) {
    c.max_ulps = std::max(c.max_ulps, std::isfinite(e.ulps) ? e.ulps : c.max_ulps);
    if (std::isfinite(e.ratio())) c.max_ratio = std::max(c.max_ratio, e.ratio());
    if (e.prob_bound > 0) c.max_prob_ratio = std::max(c.max_prob_ratio, e.error / e.prob_bound);
  }
  const bool worse =
      severity(e.verdict) > severity(c.worst.verdict) ||
      (severity(e.verdict) == severity(c.worst.verdict) && e.ratio() > c.worst.ratio());
  if (i == 0 || worse) {
    c.worst = e;
    c.worst_element = i;
    c.sum_abs = sum_abs;
  }
}

void finish_case(CaseOutcome& c) {
  c.verdict = c.twin_diff                   ? Verdict::twin_mismatch
              : is_failure(c.worst.verdict) ? c.worst.verdict
              : c.domain_limit              ? Verdict::domain_limit
                                            : c.worst.verdict;
}

// Every element of a case of an op of the op table: the op judges each one.
CaseElements op_case_elements(const KernelDesc& k, const OpInfo& op, const Problem& p) {
  CaseElements ce;
  const Recipe& r = k.recipe;
  ce.out = Tensor(r.out, op.out_shape(p));
  k.run(p, ce.out);
  const std::vector<OpElement> elems = op.judge(r, p);
  if (elems.size() != ce.out.size())
    throw std::runtime_error(k.name + ": the op judged " + std::to_string(elems.size()) +
                             " elements of an output of " + std::to_string(ce.out.size()));
  for (const OpElement& el : elems) {
    ce.checks.push_back(
        judge_value(r, el.value, el.bound, el.estimate, ce.out.bits[ce.checks.size()]));
    ce.domain.push_back(el.domain);
    ce.scale.push_back(el.scale);
  }
  return ce;
}

// Every element of a reduction-family case: exact reference, recipe bound, domain, and the
// bit-accurate model where the recipe has one.
CaseElements reduction_case_elements(const KernelDesc& k, const Problem& p) {
  CaseElements ce;
  const Recipe& r = k.recipe;
  ce.out = Tensor(r.out, {p.m, p.n});
  k.run(p, ce.out);
  const std::vector<ElementReference> refs = reduction_reference(k.op, p);
  const bool epilogue = k.op == "gemm" && (p.alpha != 1.0 || p.beta != 0.0);
  const BoundModel base = derive_bound(r, p.k, epilogue, std::fabs(p.alpha));
  ce.case_reason = case_domain_reason(r, p);
  const std::optional<Tensor> model = model_output(k, p);
  const int64_t cols = refs.size() == static_cast<size_t>(p.m * p.n) ? p.n : 1;
  for (size_t i = 0; i < refs.size(); ++i) {
    const int64_t row = static_cast<int64_t>(i) / cols, col = static_cast<int64_t>(i) % cols;
    const double inflation = align_inflation(r, p, row, col);
    const BoundModel m =
        inflation == 1.0 ? base : derive_bound(r, p.k, epilogue, std::fabs(p.alpha), inflation);
    const std::string reason =
        ce.case_reason.empty() ? element_domain_reason(r, m, refs[i]) : ce.case_reason;
    ElementCheck e = judge_element(r, m, refs[i], ce.out.bits[i]);
    if (model && reason.empty() && e.verdict == Verdict::within_bound) {
      const uint64_t want = model->bits[i];
      const bool same =
          ce.out.bits[i] == want || (is_nan(r.out, want) && is_nan(r.out, ce.out.bits[i]));
      if (!same) e.verdict = Verdict::model_mismatch;
    }
    ce.checks.push_back(e);
    ce.domain.push_back(reason);
    ce.scale.push_back(refs[i].sum_abs);
  }
  return ce;
}

}  // namespace

CaseElements evaluate_elements(const KernelDesc& k, const Problem& p) {
  if (const OpInfo* op = find_op(k.op)) return op_case_elements(k, *op, p);
  return reduction_case_elements(k, p);
}

CaseOutcome evaluate_case(const KernelDesc& k, const Problem& p, Tensor* out_copy) {
  CaseElements ce = evaluate_elements(k, p);
  CaseOutcome c;
  const Recipe& r = k.recipe;
  c.domain_reason = ce.case_reason;
  const std::optional<Tensor> twin = twin_output(k, p, ce.out);
  for (size_t i = 0; i < ce.checks.size(); ++i) {
    const bool limited = !ce.domain[i].empty();
    if (limited) {
      c.domain_limit = true;
      if (c.domain_reason.empty()) c.domain_reason = ce.domain[i];
    }
    c.case_sum_abs = std::max(c.case_sum_abs, ce.scale[i]);
    fold_element(c, r, i, ce.checks[i], limited, ce.scale[i], ce.out, twin);
  }
  finish_case(c);
  if (out_copy) *out_copy = std::move(ce.out);
  return c;
}

std::vector<KernelSummary> run_check(const std::vector<const KernelDesc*>& kernels,
                                     const CheckOptions& opt, const Progress& progress) {
  const auto all_gens = reduction_generators();
  const std::vector<const Generator*> gens = generators_for(opt);
  // Case indices: all of them, or those whose generator was selected, or the one asked for.
  std::vector<int64_t> indices;
  if (opt.only_case) {
    indices.push_back(*opt.only_case);
  } else {
    const int64_t total = opt.cases * static_cast<int64_t>(all_gens.size());
    for (int64_t i = 0; i < total; ++i)
      if (gens.size() == all_gens.size() ||
          std::find(gens.begin(), gens.end(),
                    &all_gens[static_cast<size_t>(i) % all_gens.size()]) != gens.end())
        indices.push_back(i);
  }

  std::vector<KernelSummary> out(kernels.size());
  for (size_t i = 0; i < kernels.size(); ++i) {
    out[i].kernel = kernels[i];
    for (const Generator& g : all_gens) out[i].generators.push_back({g.name});
  }
  constexpr int64_t kChunk = 32;
  const int64_t chunks_per_kernel = (static_cast<int64_t>(indices.size()) + kChunk - 1) / kChunk;
  const int64_t total_chunks = chunks_per_kernel * static_cast<int64_t>(kernels.size());
  std::atomic<int64_t> next{0}, done{0};
  std::mutex mu;
  auto worker = [&] {
    for (;;) {
      const int64_t chunk = next.fetch_add(1);
      if (chunk >= total_chunks) return;
      const size_t ki = static_cast<size_t>(chunk / chunks_per_kernel);
      const KernelDesc& k = *kernels[ki];
      KernelSummary local;
      for (const Generator& g : all_gens) local.generators.push_back({g.name});
      const int64_t lo = (chunk % chunks_per_kernel) * kChunk;
      const int64_t hi = std::min<int64_t>(lo + kChunk, static_cast<int64_t>(indices.size()));
      for (int64_t j = lo; j < hi; ++j) {
        const int64_t index = indices[static_cast<size_t>(j)];
        std::string gname;
        const Problem p = make_case(k, opt.seed, index, &gname);
        CaseOutcome c;
        try {
          c = evaluate_case(k, p);
        } catch (const std::exception& e) {
          c.verdict = Verdict::kernel_error;
          c.worst.verdict = Verdict::kernel_error;
          c.domain_reason = e.what();
        }
        c.index = index;
        c.generator = gname;
        GeneratorSummary& gs = local.generators[static_cast<size_t>(index) % all_gens.size()];
        ++local.cases;
        ++gs.cases;
        ++local.verdicts[static_cast<size_t>(c.verdict)];
        if (c.domain_limit && is_failure(c.verdict)) {  // e.g. a device/twin mismatch
          ++local.failures;
          ++gs.failures;
          if (!local.first_failure || index < local.first_failure->index) local.first_failure = c;
        }
        if (c.domain_limit) {
          ++local.domain_limits;
          ++gs.domain_limits;
          if (local.domain_min_out == 0 || c.case_sum_abs < local.domain_min_out)
            local.domain_min_out = c.case_sum_abs;
          continue;
        }
        local.domain_max_in = std::max(local.domain_max_in, c.case_sum_abs);
        local.max_ulps = std::max(local.max_ulps, c.max_ulps);
        local.max_bound_ratio = std::max(local.max_bound_ratio, c.max_ratio);
        local.max_prob_ratio = std::max(local.max_prob_ratio, c.max_prob_ratio);
        gs.max_ratio = std::max(gs.max_ratio, c.max_ratio);
        if (is_failure(c.verdict)) {
          ++local.failures;
          ++gs.failures;
          if (!local.first_failure || index < local.first_failure->index) local.first_failure = c;
        }
      }
      {
        std::lock_guard<std::mutex> lock(mu);
        KernelSummary& s = out[ki];
        s.cases += local.cases;
        s.failures += local.failures;
        s.domain_limits += local.domain_limits;
        s.max_ulps = std::max(s.max_ulps, local.max_ulps);
        s.max_bound_ratio = std::max(s.max_bound_ratio, local.max_bound_ratio);
        s.max_prob_ratio = std::max(s.max_prob_ratio, local.max_prob_ratio);
        s.domain_max_in = std::max(s.domain_max_in, local.domain_max_in);
        if (local.domain_min_out > 0 &&
            (s.domain_min_out == 0 || local.domain_min_out < s.domain_min_out))
          s.domain_min_out = local.domain_min_out;
        for (int v = 0; v < kVerdictCount; ++v) s.verdicts[v] += local.verdicts[v];
        for (size_t g = 0; g < s.generators.size(); ++g) {
          s.generators[g].cases += local.generators[g].cases;
          s.generators[g].failures += local.generators[g].failures;
          s.generators[g].domain_limits += local.generators[g].domain_limits;
          s.generators[g].max_ratio =
              std::max(s.generators[g].max_ratio, local.generators[g].max_ratio);
        }
        if (local.first_failure &&
            (!s.first_failure || local.first_failure->index < s.first_failure->index))
          s.first_failure = local.first_failure;
      }
      const int64_t d = done.fetch_add(1) + 1;
      if (progress) progress(d, total_chunks);
    }
  };
  unsigned threads = opt.threads ? opt.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<int64_t>(threads, std::max<int64_t>(total_chunks, 1)));
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  return out;
}

}  // namespace numguard
