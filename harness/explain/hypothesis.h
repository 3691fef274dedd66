// A hypothesis of `numguard explain`: one way a kernel may compute other than its recipe
// declares (subnormals flushed, an accumulator narrower than declared, a tail tile dropped, a
// formula variant, ...), as a model that predicts the kernel's output bit for bit on any case.
// The models are numguard's own recipe emulators (kernels_under_test/cpu/: the CPU kernels are
// written as switchable models of their recipes), run with the declared recipe varied.
//
// Hypotheses are data: each family (reduction_hypotheses.cpp, row_hypotheses.cpp,
// activation_hypotheses.cpp) names its ops and gives, for a declared recipe, the declared model
// and its variants; catalogue() adds the hypotheses every op shares. Tags are the vocabulary the
// mutants declare as their `mechanism` (docs/EXPLAIN.md lists them).
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/kernel.h"

namespace numguard::explain {

// Computes a kernel's output for a case: `out` arrives allocated in the recipe's output
// format with the op's output shape.
using Model = std::function<void(const Problem&, Tensor& out)>;

// Thrown by a model where it predicts that the kernel reports an error instead of answering (a
// launch of zero blocks for an empty output): it matches a case on which the kernel threw.
struct PredictedKernelError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Hypothesis {
  std::string tag;          // e.g. "acc_format=bf16", "daz", "k_tail_dropped=32"
  std::string description;  // one line: what the kernel would be doing
  Model predict;
  // A summation structure (an order= hypothesis): the varied recipe, on which explain rebuilds
  // the other hypotheses when it fits the passing cases clearly better than the declared one.
  std::optional<Recipe> structure;
};

// One family of ops: its declared model and its variants for a kernel of `op` declaring `r`.
struct Family {
  std::string_view name;
  std::vector<std::string_view> ops;  // the ops it models
  // The model of a kernel of one of `ops` that computes exactly as `r` declares; empty when the
  // family cannot emulate `r`.
  std::function<Model(std::string_view op, const Recipe& r)> declared;
  // The family's own hypotheses (the generic ones are added by catalogue()).
  std::function<void(std::string_view op, const Recipe& r, std::vector<Hypothesis>& out)> variants;
};

const std::vector<Family>& families();

// Every hypothesis for a kernel of `op` declaring `r`: first "as_declared" (the declared model
// itself), then the generic ones (DAZ, FTZ of the output), then the family's. Empty when no
// family can model the op.
std::vector<Hypothesis> catalogue(std::string_view op, const Recipe& r);

// The families, by file.
std::vector<Family> reduction_families();
std::vector<Family> row_families();
std::vector<Family> activation_families();
std::vector<Family> mx_families();

}  // namespace numguard::explain
