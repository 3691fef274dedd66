// `numguard explain`: runs a kernel over the check's cases, evaluates every hypothesis of its
// catalogue (hypothesis.h) against the kernel's actual outputs and ranks them. Per hypothesis:
// on how many failing cases its model reproduces the output bit for bit, on how many it brings
// the output within the declared bound (|output - model| <= the element's bound), and on how
// many passing cases it breaks (the output is not within the bound of its model there).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/core/kernel.h"

namespace numguard::explain {

struct ExplainOptions {
  uint64_t seed = 1;
  int64_t cases = 200;   // per generator, as `check --cases`
  unsigned threads = 0;  // 0: all cores
};

struct Score {
  std::string tag, description;
  int64_t reproduces = 0;            // failing cases reproduced bit for bit
  int64_t within_bound = 0;          // failing cases brought within the bound (reproduced included)
  int64_t breaks_passing = 0;        // passing cases whose output leaves the model's bound
  int64_t passing_reproduced = 0;    // passing cases reproduced bit for bit
  std::vector<int64_t> unexplained;  // the first failing cases it does not bring within bound
  int64_t probe_agree = 0;           // discriminating probes reproduced bit for bit (probes.h)
  size_t index = 0;                  // in the catalogue
};

struct Explanation {
  std::string kernel;
  int64_t cases = 0;    // cases run
  int64_t failing = 0;  // failing cases (a failure verdict)
  int64_t passing = 0;  // cases within the promise that pass
  int64_t skipped = 0;  // domain limits, refused cases, errors: neither failing nor passing
  // numguard's own code failed on a case (a reference, a generator): the run is incomplete.
  std::string internal_error;
  std::vector<int64_t> failing_cases;  // every failing case index
  bool modelled = false;               // the catalogue has a model of the kernel's op and recipe
  // The summation structure the hypotheses were built on when it is not the declared one: the
  // order= tag that reproduces the passing cases clearly better (a vendor kernel declaring
  // "any"); "" for the declared recipe.
  std::string structure;
  std::vector<Score> hypotheses;  // best first, one per tag (its best variant)
  // Probes run to separate the hypotheses that fit the cases equally well (probes.h), and
  // which ones they separated.
  int64_t probes = 0;
  std::vector<std::string> probed;
  bool explained = false;  // the kernel passes, or the first hypothesis explains every failure
  std::string verdict;     // one plain-language paragraph
};

Explanation explain_kernel(const KernelDesc& k, const ExplainOptions& opt);

// One case's evidence for `--case`: the tags whose models reproduce `out` bit for bit (the
// declared model first when it does), and otherwise the model closest at element `worst`.
struct CaseFit {
  std::vector<std::string> reproducing;
  std::string closest_tag;  // "" when some model reproduces the output or none could run
  uint64_t closest_bits = 0;
};
CaseFit fit_case(const KernelDesc& k, const Problem& p, const Tensor& out, size_t worst);

// Whether `s` explains every failure of `e` without breaking a passing case.
bool explains_all(const Score& s, const Explanation& e);

}  // namespace numguard::explain
