#include "harness/engine/check_runner.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <thread>

#include "harness/device/device.h"
#include "harness/engine/case_shapes.h"
#include "harness/engine/case_trace.h"
#include "harness/engine/generators.h"
#include "harness/engine/kernel_worker.h"
#include "harness/engine/op.h"
#include "harness/engine/output_sampling.h"
#include "harness/engine/random.h"
#include "harness/engine/registry.h"
#include "harness/engine/user_inputs.h"

namespace numguard {
namespace {

// Distinct refused shapes kept per kernel for the table and the JSON.
constexpr size_t kShownShapes = 8;

std::vector<const Generator*> generators_for(const CheckOptions& opt) {
  std::vector<const Generator*> out;
  for (const Generator& g : case_generators())
    if (opt.generators.empty() ||
        std::find(opt.generators.begin(), opt.generators.end(), g.name) != opt.generators.end())
      out.push_back(&g);
  return out;
}

const OpInfo& op_of(const KernelDesc& k) {
  const OpInfo* op = find_op(k.op);
  if (!op) throw std::runtime_error(k.name + ": op " + k.op + " is not in the op table");
  return *op;
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

}  // namespace

std::vector<const KernelDesc*> runnable_kernels(const std::vector<const KernelDesc*>& kernels,
                                                DeviceChoice choice, std::string* skipped_why,
                                                int* skipped) {
  const device::Status& dev = device::status();
  const bool gpu = choice != DeviceChoice::cpu && dev.available;
  std::vector<const KernelDesc*> out;
  int n = 0;
  std::string why = choice == DeviceChoice::cpu ? "--device cpu" : dev.why_not;
  for (const KernelDesc* k : kernels) {
    if (k->device == Device::cpu) {
      out.push_back(k);
    } else if (!gpu) {
      ++n;
    } else if (const std::string no = k->cannot_run ? k->cannot_run() : ""; !no.empty()) {
      if (n++ == 0) why = no;  // the device is here; this kernel's code is not for it
    } else {
      out.push_back(k);
    }
  }
  if (skipped) *skipped = n;
  if (skipped_why) *skipped_why = why;
  return out;
}

Problem make_case(const KernelDesc& k, uint64_t seed, int64_t index, std::string* generator) {
  // Users' own tensors (user_inputs.h): case I is file I; the CLI has fitted each to the op.
  if (const std::vector<InputCase>& inputs = input_cases(); !inputs.empty()) {
    const InputCase& c = inputs[static_cast<size_t>(index) % inputs.size()];
    if (generator) *generator = c.source;
    return input_problem(k, c, input_bits_as());
  }
  const auto gens = case_generators();
  const Generator& g = gens[static_cast<size_t>(index) % gens.size()];
  if (generator) *generator = g.name;
  Rng rng(case_seed(seed, static_cast<uint64_t>(index)));
  const std::vector<std::string> shapes = case_shapes(k.op);
  if (shapes.empty()) return op_of(k).make(k, rng, g.name);
  // Shape (I / G) % S (case_shapes.h); the CLI has checked every shape against the op.
  const std::string& text = shapes[static_cast<size_t>(index) / gens.size() % shapes.size()];
  ShapeRequest req;
  const std::string error = parse_shape(op_of(k), text, &req);
  if (!error.empty()) throw std::invalid_argument(error);
  const ForcedShape forced(req);
  return op_of(k).make(k, rng, g.name);
}

namespace {

// The device kernel's twin output, when k is a device kernel with a twin.
std::optional<Tensor> twin_output(const KernelDesc& k, const Problem& p, const Tensor& like) {
  if (k.device == Device::cpu || k.twin_of.empty()) return std::nullopt;
  const KernelDesc* t = k.twin ? k.twin : find_kernel(k.twin_of);
  if (!t) throw std::runtime_error(k.name + ": twin " + k.twin_of + " is not registered");
  Tensor twin(like.format, like.shape);
  run_kernel(*t, p, twin);
  return twin;
}

// Folds element i's judgement into the case: a twin difference overrides the verdict, a
// domain-limited element cannot fail (except against its twin), the worst element is kept.
void fold_element(CaseOutcome& c, const Recipe& r, size_t i, ElementCheck e, bool limited,
                  double sum_abs, const Tensor& out, const std::optional<Tensor>& twin,
                  bool first) {
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
  if (first || worse) {
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

}  // namespace

void run_kernel(const KernelDesc& k, const Problem& p, Tensor& out) {
  // Whatever way run leaves, numguard's own code runs next (case_trace.h: whose code died).
  struct Back {
    ~Back() { case_trace::phase(case_trace::Phase::numguard); }
  };
  try {
    const Back back;
    case_trace::phase(case_trace::Phase::kernel);
    k.run(p, out);
  } catch (const KernelUnsupported&) {
    throw;
  } catch (const KernelDied&) {
    throw;
  } catch (const std::exception& e) {
    throw KernelRunError(e.what());
  } catch (...) {
    throw KernelRunError("the kernel threw something that is not a std::exception");
  }
}

Verdict verdict_of(const std::exception& e) {
  if (dynamic_cast<const KernelUnsupported*>(&e)) return Verdict::unsupported;
  if (dynamic_cast<const KernelRunError*>(&e)) return Verdict::kernel_error;
  if (dynamic_cast<const KernelDied*>(&e)) return Verdict::crash;
  return Verdict::internal_error;
}

Verdict case_verdict(const KernelDesc& k, const Problem& p) {
  try {
    return evaluate_case(k, p).verdict;
  } catch (const KernelDied&) {
    return Verdict::crash;
  } catch (const std::exception& e) {
    return verdict_of(e);
  }
}

std::string shape_text(const Problem& p) {
  return "m=" + std::to_string(p.m) + " n=" + std::to_string(p.n) + " k=" + std::to_string(p.k);
}

namespace {

// A kernel that declares DAZ reads subnormal inputs as zero; the reference and the bound then
// judge it on the inputs it read (every input operand, in whatever format it arrives).
Problem with_daz(const Problem& p) {
  Problem q = p;
  for (Tensor* t : {&q.a, &q.b, &q.c, &q.d})
    for (uint64_t& b : t->bits)
      if (const double v = decode(t->format, b);
          v != 0 && std::fabs(v) < desc(t->format).min_normal())
        b = round_double(t->format, std::signbit(v) ? -0.0 : 0.0).bits;
  return q;
}

}  // namespace

size_t CaseElements::position(size_t element) const {
  if (!sample) return element;
  const std::vector<size_t>& ix = sample->indices();
  return static_cast<size_t>(std::lower_bound(ix.begin(), ix.end(), element) - ix.begin());
}

CaseElements evaluate_elements(const KernelDesc& k, const Problem& p, bool sampled) {
  const OpInfo& op = op_of(k);
  CaseElements ce;
  const Recipe& r = k.recipe;
  if (sampled) ce.sample = choose_sample(op, p);
  // Built-in CPU kernels and the references compute only the sampled elements.
  const OutputSampleScope scope(ce.sample ? &*ce.sample : nullptr);
  ce.out = Tensor(r.out, op.out_shape(p));
  run_kernel(k, p, ce.out);
  ce.elements = r.daz ? op.judge(r, with_daz(p)) : op.judge(r, p);
  const size_t judged = ce.sample ? ce.sample->indices().size() : ce.out.size();
  if (ce.sample && ce.elements.size() == ce.out.size() && judged != ce.out.size()) {
    // An op whose reference does not read the sample judged everything: keep the sample's.
    std::vector<OpElement> kept;
    kept.reserve(judged);
    for (size_t i : ce.sample->indices()) kept.push_back(std::move(ce.elements[i]));
    ce.elements = std::move(kept);
  }
  if (ce.elements.size() != judged)
    throw std::runtime_error(k.name + ": the op judged " + std::to_string(ce.elements.size()) +
                             " elements of an output of " + std::to_string(ce.out.size()) +
                             (ce.sample ? " (sampled: " + std::to_string(judged) + ")" : ""));
  if (op.case_domain) ce.case_reason = op.case_domain(r, p);
  for (OpElement& el : ce.elements)
    if (el.domain.empty() && std::isinf(el.bound) && std::isfinite(el.value))
      el.domain = "the worst-case bound is vacuous here (infinite: (1 + u)^depth overflows)";
  for (const OpElement& el : ce.elements) {
    const uint64_t bits = ce.out.bits[ce.element(ce.checks.size())];
    ElementCheck e = judge_value(r, el.value, el.bound, el.estimate, bits, el.out_cast);
    // Bit-accurate recipes: inside the domain and the bound, the model's bits are the contract.
    if (el.model_bits && el.domain.empty() && e.verdict == Verdict::within_bound &&
        bits != *el.model_bits && !(is_nan(r.out, bits) && is_nan(r.out, *el.model_bits)))
      e.verdict = Verdict::model_mismatch;
    ce.checks.push_back(e);
    ce.domain.push_back(el.domain);
    ce.scale.push_back(el.scale);
  }
  return ce;
}

CaseOutcome evaluate_case(const KernelDesc& k, const Problem& p, Tensor* out_copy,
                          CaseElements* elements, bool sampled) {
  CaseElements ce = evaluate_elements(k, p, sampled);
  CaseOutcome c;
  const Recipe& r = k.recipe;
  c.domain_reason = ce.case_reason;
  c.output_elements = static_cast<int64_t>(ce.out.size());
  c.verified = static_cast<int64_t>(ce.checks.size());
  c.structured = ce.sample ? static_cast<int64_t>(ce.sample->structured()) : 0;
  std::optional<Tensor> twin;
  {
    const OutputSampleScope scope(ce.sample ? &*ce.sample : nullptr);
    twin = twin_output(k, p, ce.out);
  }
  bool first = true;
  for (size_t at = 0; at < ce.checks.size(); ++at) {
    const size_t i = ce.element(at);
    const bool limited = !ce.domain[at].empty();
    if (limited) {
      c.domain_limit = true;
      if (c.domain_reason.empty()) c.domain_reason = ce.domain[at];
    }
    c.case_sum_abs = std::max(c.case_sum_abs, ce.scale[at]);
    fold_element(c, r, i, ce.checks[at], limited, ce.scale[at], ce.out, twin, first);
    first = false;
  }
  finish_case(c);
  if (out_copy) *out_copy = elements ? ce.out : std::move(ce.out);
  if (elements) *elements = std::move(ce);
  return c;
}

bool KernelSummary::too_many_unsupported() const {
  const double limit = kernel ? kernel->max_unsupported : kDefaultMaxUnsupported;
  return cases > 0 && static_cast<double>(unsupported) > limit * static_cast<double>(cases);
}

void KernelSummary::merge(const KernelSummary& other) {
  cases += other.cases;
  unsupported += other.unsupported;
  for (const std::string& s : other.unsupported_shapes)
    if (unsupported_shapes.size() < kShownShapes &&
        std::find(unsupported_shapes.begin(), unsupported_shapes.end(), s) ==
            unsupported_shapes.end())
      unsupported_shapes.push_back(s);
  internal_errors += other.internal_errors;
  if (other.first_internal &&
      (!first_internal || other.first_internal->index < first_internal->index))
    first_internal = other.first_internal;
  failures += other.failures;
  domain_limits += other.domain_limits;
  verified_elements += other.verified_elements;
  output_elements += other.output_elements;
  sampled_cases += other.sampled_cases;
  if (other.largest_output > largest_output) {
    largest_output = other.largest_output;
    largest_verified = other.largest_verified;
  }
  max_ulps = std::max(max_ulps, other.max_ulps);
  max_bound_ratio = std::max(max_bound_ratio, other.max_bound_ratio);
  max_prob_ratio = std::max(max_prob_ratio, other.max_prob_ratio);
  domain_max_in = std::max(domain_max_in, other.domain_max_in);
  if (other.domain_min_out > 0 && (domain_min_out == 0 || other.domain_min_out < domain_min_out))
    domain_min_out = other.domain_min_out;
  for (int v = 0; v < kVerdictCount; ++v) verdicts[v] += other.verdicts[v];
  case_crashes.insert(case_crashes.end(), other.case_crashes.begin(), other.case_crashes.end());
  std::sort(case_crashes.begin(), case_crashes.end());
  not_run += other.not_run;
  for (const auto& f : other.failing)
    if (failing.size() < kMaxListedFailures) failing.push_back(f);
  for (size_t g = 0; g < generators.size(); ++g) {
    generators[g].cases += other.generators[g].cases;
    generators[g].failures += other.generators[g].failures;
    generators[g].domain_limits += other.generators[g].domain_limits;
    generators[g].max_ratio = std::max(generators[g].max_ratio, other.generators[g].max_ratio);
  }
  if (other.first_failure && (!first_failure || other.first_failure->index < first_failure->index))
    first_failure = other.first_failure;
}

int64_t run_case_count(int64_t cases_per_generator) {
  if (!input_cases().empty()) return static_cast<int64_t>(input_cases().size());
  return cases_per_generator * static_cast<int64_t>(case_generators().size());
}

std::vector<std::string> case_source_names() {
  if (!input_cases().empty()) return {"inputs"};
  std::vector<std::string> out;
  for (const Generator& g : case_generators()) out.push_back(g.name);
  return out;
}

namespace {

// Case indices: all of them, or those whose generator was selected, or the one asked for.
std::vector<int64_t> case_indices(const CheckOptions& opt) {
  const auto all_gens = case_generators();
  const std::vector<const Generator*> gens = generators_for(opt);
  std::vector<int64_t> indices;
  if (opt.only_case) {
    indices.push_back(*opt.only_case);
  } else if (!input_cases().empty()) {
    for (int64_t i = 0; i < run_case_count(opt.cases); ++i) indices.push_back(i);
  } else {
    const int64_t total = opt.cases * static_cast<int64_t>(all_gens.size());
    for (int64_t i = 0; i < total; ++i)
      if (gens.size() == all_gens.size() ||
          std::find(gens.begin(), gens.end(),
                    &all_gens[static_cast<size_t>(i) % all_gens.size()]) != gens.end())
        indices.push_back(i);
  }
  return indices;
}

// An empty summary with one row per generator (case i counts in row i % their number).
KernelSummary empty_summary(const KernelDesc* k) {
  KernelSummary s;
  s.kernel = k;
  for (const std::string& g : case_source_names()) s.generators.push_back({g});
  return s;
}

// Fault injection for the test that numguard blames itself, not the kernel, when its own code
// fails (tests/cli_blame_test.sh): NUMGUARD_INJECT_INTERNAL_FAULT=throw:I or signal:I makes
// numguard's code throw, or die of SIGFPE, on case I, after the kernel has run.
void injected_fault(int64_t index) {
  static const char* spec = std::getenv("NUMGUARD_INJECT_INTERNAL_FAULT");
  if (!spec) return;
  const std::string_view s(spec);
  const size_t colon = s.find(':');
  if (colon == std::string_view::npos || std::to_string(index) != s.substr(colon + 1)) return;
  if (s.substr(0, colon) == "signal") std::raise(SIGFPE);
  throw std::logic_error("injected internal fault (NUMGUARD_INJECT_INTERNAL_FAULT)");
}

// Counts failing case c in s and its generator's row, keeping the lowest failing case.
void count_failure(KernelSummary& s, GeneratorSummary& gs, const CaseOutcome& c) {
  ++s.failures;
  ++gs.failures;
  if (s.failing.size() < kMaxListedFailures) s.failing.emplace_back(c.index, c.verdict);
  if (!s.first_failure || c.index < s.first_failure->index) s.first_failure = c;
}

// Evaluates case `index` of k and folds its outcome into `local`; a kernel that throws makes
// the case a kernel_error rather than ending the run.
void check_case(const KernelDesc& k, uint64_t seed, int64_t index, KernelSummary& local) {
  std::string gname, shape;
  CaseOutcome c;
  // Nothing escapes a worker: a kernel's exception is its verdict for the case, a refusal is
  // counted, and numguard's own failure is recorded as an internal error naming the case.
  try {
    case_trace::enter(k, seed, index);
    const Problem p = make_case(k, seed, index, &gname);
    shape = shape_text(p);
    case_trace::describe(gname.c_str(), p.m, p.n, p.k);
    c = evaluate_case(k, p, nullptr, nullptr, /*sampled=*/true);
    injected_fault(index);
  } catch (const KernelDied& e) {
    case_trace::leave();
    if (e.not_run) {
      ++local.not_run;
    } else {
      ++local.verdicts[static_cast<size_t>(Verdict::crash)];
      local.case_crashes.emplace_back(
          index, fmt::format("case {} (generator {}, {}): {} in the kernel's run function", index,
                             gname, shape.empty() ? "shape unknown" : shape, e.what()));
    }
    return;
  } catch (const std::exception& e) {
    c.verdict = verdict_of(e);
    c.worst.verdict = c.verdict;
    c.domain_reason = e.what();
  }
  case_trace::leave();
  c.index = index;
  c.generator = gname;
  GeneratorSummary& gs = local.generators[static_cast<size_t>(index) % local.generators.size()];
  ++local.cases;
  ++gs.cases;
  ++local.verdicts[static_cast<size_t>(c.verdict)];
  if (c.verdict == Verdict::unsupported) {
    ++local.unsupported;
    if (local.unsupported_shapes.size() < kShownShapes &&
        std::find(local.unsupported_shapes.begin(), local.unsupported_shapes.end(), shape) ==
            local.unsupported_shapes.end())
      local.unsupported_shapes.push_back(shape);
    return;
  }
  if (c.verdict == Verdict::internal_error) {
    ++local.internal_errors;
    if (!local.first_internal || index < local.first_internal->index)
      local.first_internal = InternalError{index, gname, shape, c.domain_reason};
    return;
  }
  local.verified_elements += c.verified;
  local.output_elements += c.output_elements;
  if (c.verified < c.output_elements) ++local.sampled_cases;
  if (c.output_elements > local.largest_output) {
    local.largest_output = c.output_elements;
    local.largest_verified = c.verified;
  }
  if (c.domain_limit) {
    if (is_failure(c.verdict)) count_failure(local, gs, c);  // e.g. a device/twin mismatch
    ++local.domain_limits;
    ++gs.domain_limits;
    if (local.domain_min_out == 0 || c.case_sum_abs < local.domain_min_out)
      local.domain_min_out = c.case_sum_abs;
    return;
  }
  local.domain_max_in = std::max(local.domain_max_in, c.case_sum_abs);
  local.max_ulps = std::max(local.max_ulps, c.max_ulps);
  local.max_bound_ratio = std::max(local.max_bound_ratio, c.max_ratio);
  local.max_prob_ratio = std::max(local.max_prob_ratio, c.max_prob_ratio);
  gs.max_ratio = std::max(gs.max_ratio, c.max_ratio);
  if (is_failure(c.verdict)) count_failure(local, gs, c);
}

// Cases indices[lo, hi) of k in a summary of their own, so that a worker takes the lock once
// per chunk rather than once per case.
KernelSummary check_chunk(const KernelDesc& k, uint64_t seed, const std::vector<int64_t>& indices,
                          int64_t lo, int64_t hi) {
  KernelSummary local = empty_summary(nullptr);
  for (int64_t j = lo; j < hi; ++j) check_case(k, seed, indices[static_cast<size_t>(j)], local);
  return local;
}

}  // namespace

std::vector<KernelSummary> run_check(const std::vector<const KernelDesc*>& kernels,
                                     const CheckOptions& opt, const Progress& progress) {
  const std::vector<int64_t> indices = case_indices(opt);
  std::vector<KernelSummary> out;
  for (const KernelDesc* k : kernels) out.push_back(empty_summary(k));
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
      const int64_t lo = (chunk % chunks_per_kernel) * kChunk;
      const int64_t hi = std::min<int64_t>(lo + kChunk, static_cast<int64_t>(indices.size()));
      const KernelSummary local = check_chunk(*kernels[ki], opt.seed, indices, lo, hi);
      {
        std::lock_guard<std::mutex> lock(mu);
        out[ki].merge(local);
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
  for (KernelSummary& s : out) {
    std::sort(s.failing.begin(), s.failing.end());
    if (!s.case_crashes.empty()) s.crash_case = s.case_crashes.front().first;
    if (s.not_run > 0)
      s.crashed = fmt::format(
          "{} case{} not run: {}", s.not_run, s.not_run == 1 ? "" : "s",
          kernel_worker::given_up(s.kernel->name).value_or("numguard gave up on the kernel"));
  }
  return out;
}

}  // namespace numguard
