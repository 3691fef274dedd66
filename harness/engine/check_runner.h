// Runs kernels over generated cases on a thread pool and aggregates verdicts per kernel.
// Case i of a run uses generator i % G and the rng seeded by (seed, i), so the repro line
// `numguard check --kernel K --seed S --case I` rebuilds exactly that case.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness/core/kernel.h"
#include "harness/core/output_sample.h"
#include "harness/engine/op.h"
#include "harness/engine/verdict.h"

namespace numguard {

enum class DeviceChoice : uint8_t { cpu, cuda, automatic };

struct CheckOptions {
  std::string kernels = "*";  // comma-separated globs
  bool include_mutants = false;
  int64_t cases = 200;  // per kernel per generator
  uint64_t seed = 1;
  unsigned threads = 0;  // 0: all cores
  std::optional<int64_t> only_case;
  std::vector<std::string> generators;  // empty: all
  DeviceChoice device = DeviceChoice::automatic;
};

// Which of `kernels` can run on the chosen device. GPU kernels (device cuda or library) run
// when the choice is cuda or automatic and a CUDA device is present, and the kernel's
// cannot_run (if any) has nothing against it; otherwise they are skipped and *skipped_why says
// why in one line (the first such reason). (The twins model the architecture the registry was
// built for: harness/engine/registry.h.)
std::vector<const KernelDesc*> runnable_kernels(const std::vector<const KernelDesc*>& kernels,
                                                DeviceChoice choice, std::string* skipped_why,
                                                int* skipped);

// One evaluated case, with its worst element.
struct CaseOutcome {
  int64_t index = 0;
  std::string generator;
  bool domain_limit = false;
  std::string domain_reason;
  Verdict verdict = Verdict::within_bound;  // worst over the elements
  size_t worst_element = 0;
  ElementCheck worst;
  double max_ulps = 0, max_ratio = 0, max_prob_ratio = 0;
  double sum_abs = 0;       // S of the worst element
  double case_sum_abs = 0;  // the largest S over the case's elements (domain reach)
  // Elements verified of the output's (sampled verification: output_sampling.h), and how many
  // of them were chosen by structure rather than at random.
  int64_t verified = 0, output_elements = 0, structured = 0;
  // Device kernels: the first element whose bits differ from the twin's, if any.
  std::optional<size_t> twin_diff;
  uint64_t twin_bits = 0, device_bits = 0;
};

struct GeneratorSummary {
  std::string name;
  int64_t cases = 0, failures = 0, domain_limits = 0;
  double max_ratio = 0;
};

// A case numguard could not judge because its own code failed (an exception in a generator,
// a reference or a bound): reported as numguard's internal error, never as the kernel's.
struct InternalError {
  int64_t index = 0;
  std::string generator, shape, message;
};

struct KernelSummary {
  const KernelDesc* kernel = nullptr;
  int64_t cases = 0, failures = 0, domain_limits = 0;
  int64_t unsupported = 0;                      // cases the kernel refused by design
  std::vector<std::string> unsupported_shapes;  // the first few distinct shapes refused
  int64_t internal_errors = 0;
  std::optional<InternalError> first_internal;  // lowest case index
  double max_ulps = 0, max_bound_ratio = 0, max_prob_ratio = 0;
  std::array<int64_t, kVerdictCount> verdicts{};
  std::vector<GeneratorSummary> generators;
  std::optional<CaseOutcome> first_failure;  // lowest failing case index
  // Every failing case (index, verdict), sorted by index after run_check; at most
  // kMaxListedFailures kept, the rest only counted in `failures`.
  std::vector<std::pair<int64_t, Verdict>> failing;
  // Output elements verified and produced over the judged cases; cases verified by a sample.
  int64_t verified_elements = 0, output_elements = 0, sampled_cases = 0;
  // The largest output of one case, and how many of its elements that case verified.
  int64_t largest_output = 0, largest_verified = 0;
  double domain_max_in = 0;   // largest S seen inside the domain
  double domain_min_out = 0;  // smallest S among domain limits (0: none)
  // Plugin kernels run in worker processes (harness/engine/kernel_worker.h). The cases whose
  // worker died, exited or hung, sorted: "case 3 (generator ..., m=.. n=.. k=..): killed by
  // signal 11 (Segmentation fault) in the kernel's run function"; the first of them.
  std::vector<std::pair<int64_t, std::string>> case_crashes;
  std::optional<int64_t> crash_case;
  // Cases not run because numguard gave up on the kernel (kernel_worker::kMaxCrashes crashes or
  // a hang), and why ("" when every case ran).
  int64_t not_run = 0;
  std::string crashed;
  // Whether the kernel refused more than its max_unsupported fraction of the cases.
  bool too_many_unsupported() const;
  bool pass() const {
    return failures == 0 && crashed.empty() && case_crashes.empty() && !too_many_unsupported();
  }
  // Folds in another summary of the same kernel over other cases (same generator rows): the
  // counts add up, the maxima and the lowest failing case are kept; kernel and crashed stay.
  void merge(const KernelSummary& other);
};

inline constexpr size_t kMaxListedFailures = size_t{1} << 20;

// How many cases a run draws: one per input file with --inputs (user_inputs.h), else
// cases_per_generator for each generator.
int64_t run_case_count(int64_t cases_per_generator);
// The rows a summary counts cases in: the generators, or the one row "inputs".
std::vector<std::string> case_source_names();

// Builds case `index` for kernel `k` (same inputs on every machine and thread); with --inputs,
// the input file index % files, *generator receiving its path.
Problem make_case(const KernelDesc& k, uint64_t seed, int64_t index,
                  std::string* generator = nullptr);

// Every element of one evaluated case: the kernel's output, each element's judgement (the
// verdict before any twin comparison), why it lies outside the kernel's promise ("" inside)
// and the magnitude its bound scales with (S for reductions).
//
// With `sampled` (check and --case), a large output is verified at a sample of its elements
// (output_sampling.h): then elements, checks, domain and scale hold the sampled elements in
// `sample`'s order, and out holds the kernel's values there (built-in CPU kernels compute
// nothing else).
struct CaseElements {
  std::optional<OutputSample> sample;
  // The output element at position `at` of the judged elements, and back.
  size_t element(size_t at) const { return sample ? sample->indices()[at] : at; }
  size_t position(size_t element) const;
  Tensor out;
  std::vector<OpElement> elements;  // the op's judgement of each element
  std::vector<ElementCheck> checks;
  std::vector<std::string> domain;
  std::vector<double> scale;
  std::string case_reason;  // the whole case lies outside the promise ("" when it does not)
};
CaseElements evaluate_elements(const KernelDesc& k, const Problem& p, bool sampled = false);

// An exception out of a kernel's run (other than KernelUnsupported), wrapped so that it is told
// apart from one out of numguard's own code.
struct KernelRunError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// Runs k on p into out, wrapping the kernel's exceptions in KernelRunError.
void run_kernel(const KernelDesc& k, const Problem& p, Tensor& out);
// The verdict of an exception thrown while a case was evaluated: unsupported, kernel_error
// (KernelRunError) or internal_error (anything else).
Verdict verdict_of(const std::exception& e);
// "m=4 n=1 k=384": the dimensions of a case, as reports and messages print them.
std::string shape_text(const Problem& p);

// Evaluates one case: runs the kernel and judges every element; *out receives the output and
// *elements every element's judgement, when given.
CaseOutcome evaluate_case(const KernelDesc& k, const Problem& p, Tensor* out = nullptr,
                          CaseElements* elements = nullptr, bool sampled = false);

// The verdict of one case, a kernel's error (kernel_error) or refusal (unsupported) included.
Verdict case_verdict(const KernelDesc& k, const Problem& p);

using Progress = std::function<void(int64_t done, int64_t total)>;
std::vector<KernelSummary> run_check(const std::vector<const KernelDesc*>& kernels,
                                     const CheckOptions& opt, const Progress& progress = {});

}  // namespace numguard
