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
#include "harness/engine/op_study.h"

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

// An op the study sweeps: its entry's accumulation facts (harness/engine/op_study.h).
struct AccumulationOp : AccumulationSpec {
  std::string op;
};

// The ops the study sweeps (those whose op-table entry has an accumulation spec), by rank.
const std::vector<AccumulationOp>& accumulation_ops();
const AccumulationOp* find_accumulation_op(std::string_view op);

int64_t trials_at(const AccumulationOp& op, int64_t n, bool quick);

// Problem of trial `trial` at length n for kernel kd (only kd.op and kd.recipe.in are read),
// built by the op's entry from the distribution's streams.
// GenDot problems report their exact condition in *cond (NaN for the other distributions).
Problem accumulation_problem(const KernelDesc& kd, const Distribution& d, int64_t n, int64_t trial,
                             uint64_t seed, double* cond = nullptr);

}  // namespace numguard::studies
