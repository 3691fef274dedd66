// The inputs of the accumulation study: which ops reduce and over what, the input
// distributions, and the problem of one (op, distribution, length n, trial). Inputs depend on
// the seed, the input format, the distribution, n and the trial alone, never on the kernel, so
// every recipe with the same input format sees identical inputs; the i.i.d. distributions are
// prefix-consistent (the inputs at n are the first n of one long draw), so a stagnating sum
// can be bisected over n.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/kernel.h"

namespace numguard::studies {

enum class DistKind : uint8_t { uniform01, normal, alternating, ones, gendot };

struct Distribution {
  std::string name;  // uniform01, normal, alternating, ones, gendot_1e2 .. gendot_1e8
  DistKind kind = DistKind::uniform01;
  double cond = 0;  // gendot: the target condition number
  // Every term positive: a sum that stops growing has stagnated.
  bool positive() const { return kind == DistKind::uniform01 || kind == DistKind::ones; }
};

const std::vector<Distribution>& distributions();

// How the study treats one op: what its reduction length is and how long it may get.
struct AccumulationOp {
  std::string op;
  std::string length_meaning;  // what n is, for the docs and the section intro
  int max_log2_n_full = 20, max_log2_n_quick = 14;
  bool gendot = false;      // GenDot applies (a dot product per output)
  bool stagnation = false;  // the output is the sum itself: a stalled sum is visible
  // Trials per point: enough for `work` terms (n x trials) per point, within [min, max].
  int64_t work_quick = 0, work_full = 0;
  int64_t min_trials = 1, max_trials = 1;
  // Full sweeps: the normal distribution continues to this length (0: max_log2_n_full), so
  // every reducing op reaches 2^20 while the MPFR-bound row ops keep their other
  // distributions at max_log2_n_full.
  int max_log2_n_long = 0;
};

// The ops the study sweeps, in report order; nullptr for an op without a reduction.
const std::vector<AccumulationOp>& accumulation_ops();
const AccumulationOp* find_accumulation_op(std::string_view op);

int64_t trials_at(const AccumulationOp& op, int64_t n, bool quick);

// Problem of trial `trial` at length n for kernel kd (only kd.op and kd.recipe.in are read).
// GenDot problems report their exact condition in *cond (NaN for the other distributions).
Problem accumulation_problem(const KernelDesc& kd, const Distribution& d, int64_t n, int64_t trial,
                             uint64_t seed, double* cond = nullptr);

}  // namespace numguard::studies
