// Runs kernels over generated cases on a thread pool and aggregates verdicts per kernel.
// Case i of a run uses generator i % G and the rng seeded by (seed, i), so the repro line
// `numguard check --kernel K --seed S --case I` rebuilds exactly that case.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/kernel.h"
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
// when the choice is cuda or automatic and a CUDA device is present; otherwise they are
// skipped and *skipped_why says why in one line. (The twins model the architecture the
// registry was built for: harness/engine/registry.h.)
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
  // Device kernels: the first element whose bits differ from the twin's, if any.
  std::optional<size_t> twin_diff;
  uint64_t twin_bits = 0, device_bits = 0;
};

struct GeneratorSummary {
  std::string name;
  int64_t cases = 0, failures = 0, domain_limits = 0;
  double max_ratio = 0;
};

struct KernelSummary {
  const KernelDesc* kernel = nullptr;
  int64_t cases = 0, failures = 0, domain_limits = 0;
  double max_ulps = 0, max_bound_ratio = 0, max_prob_ratio = 0;
  std::array<int64_t, kVerdictCount> verdicts{};
  std::vector<GeneratorSummary> generators;
  std::optional<CaseOutcome> first_failure;  // lowest failing case index
  double domain_max_in = 0;                  // largest S seen inside the domain
  double domain_min_out = 0;                 // smallest S among domain limits (0: none)
  // Out-of-tree kernels run first in a child process: why that child died (a signal, the
  // timeout), in which case the kernel was not checked in this process; "" otherwise.
  std::string crashed;
  bool pass() const { return failures == 0 && crashed.empty(); }
  // Folds in another summary of the same kernel over other cases (same generator rows): the
  // counts add up, the maxima and the lowest failing case are kept; kernel and crashed stay.
  void merge(const KernelSummary& other);
};

// Builds case `index` for kernel `k` (same inputs on every machine and thread).
Problem make_case(const KernelDesc& k, uint64_t seed, int64_t index,
                  std::string* generator = nullptr);

// Every element of one evaluated case: the kernel's output, each element's judgement (the
// verdict before any twin comparison), why it lies outside the kernel's promise ("" inside)
// and the magnitude its bound scales with (S for reductions).
struct CaseElements {
  Tensor out;
  std::vector<OpElement> elements;  // the op's judgement of each element
  std::vector<ElementCheck> checks;
  std::vector<std::string> domain;
  std::vector<double> scale;
  std::string case_reason;  // the whole case lies outside the promise ("" when it does not)
};
CaseElements evaluate_elements(const KernelDesc& k, const Problem& p);

// Evaluates one case: runs the kernel and judges every element; *out receives the output and
// *elements every element's judgement, when given.
CaseOutcome evaluate_case(const KernelDesc& k, const Problem& p, Tensor* out = nullptr,
                          CaseElements* elements = nullptr);

using Progress = std::function<void(int64_t done, int64_t total)>;
std::vector<KernelSummary> run_check(const std::vector<const KernelDesc*>& kernels,
                                     const CheckOptions& opt, const Progress& progress = {});

}  // namespace numguard
