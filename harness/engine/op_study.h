// What the report's studies (harness/studies/) need to know about an op, declared in the op's
// own entry: how the accumulation study builds its inputs at a reduction length n, and which
// fixed pattern the range study scales and where the op's formats must break on it (the
// cliffs). The studies run the sweeps; an op only says what its operands are.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "harness/core/kernel.h"
#include "harness/engine/random.h"

namespace numguard {

// ---------------------------------------------------------------------------------------
// Accumulation study

// The values of one trial, provided by the study: stream s is a sequence of values of the
// trial's distribution drawn in index order, so a shorter stream is a prefix of a longer one
// (a stalled sum can then be bisected over n). `magnitude`: the alternating distribution
// without its signs (the second operand of a dot, whose products then alternate as the first
// operand does).
struct AccumulationInputs {
  Format in = Format::fp32;
  int64_t n = 0;
  std::function<std::vector<uint64_t>(int stream, int64_t len, bool magnitude)> stream;
  // A generator for values fixed per trial (the same at every n): cross-entropy's targets.
  std::function<Rng(uint64_t salt)> fixed_rng;

  Tensor tensor(std::vector<int64_t> shape, std::vector<uint64_t> bits) const;
  Tensor constant(std::vector<int64_t> shape, double v) const;
  // rows x n, row r the first n values of stream first + r.
  Tensor rows(int first, int64_t rows, int64_t n) const;
};

struct AccumulationSpec {
  std::string length_meaning;  // what n is, e.g. "row length (mean and variance over n values)"
  std::string noun;            // what is accumulated, e.g. "sum of squares"
  int max_log2_n_full = 20, max_log2_n_quick = 14;
  bool stagnation = false;  // the output is the sum itself: a stalled sum is visible
  // Trials per point: enough for `work` terms (n x trials) per point, within [min, max].
  int64_t work_quick = 0, work_full = 0;
  int64_t min_trials = 1, max_trials = 1;
  // Full sweeps: the normal distribution continues to this length (0: max_log2_n_full).
  int max_log2_n_long = 0;
  // The reference is the exact fixed-point accumulator (a few ns per term), not MPFR: the
  // sweep is not capped for the reference's cost.
  bool exact_accumulator = false;
  std::vector<std::string> plotted;  // the distributions the report plots for the op
  // The problem of one trial at length n.
  std::function<Problem(const AccumulationInputs&)> build;
  // GenDot (an ill-conditioned dot product per output) for ops it applies to: the problem of
  // length n at condition `cond` in format `in`, its exact condition in *achieved.
  std::function<Problem(Format in, Rng& r, int64_t n, double cond, double* achieved)> gendot;
};

// ---------------------------------------------------------------------------------------
// Range study

// The fixed input pattern the range study scales: values normalized so that max |x| over the
// scaled operands is exactly 1, rounded into the kernel's input format at each scale s.
struct RangePattern {
  std::string op;
  Problem shape;  // m, n, k, alpha, beta, lengths and scalars; the tensors are empty
  // a, b, c, d at scale 1 (empty: the operand is unused), their shapes and whether each
  // operand is multiplied by s.
  std::array<std::vector<double>, 4> values;
  std::array<std::vector<int64_t>, 4> shapes;
  std::array<bool, 4> scaled{};
  // The largest scaled value must be +1 (not -1): softmax's and exp's largest input must be
  // the largest value, so that exp(max) is what overflows.
  bool max_positive = false;
  std::string scaled_desc;  // e.g. "x (a) scaled; gamma (b) fixed in [0.5, 1.5]; beta (c) = 0"

  // Sets operand i (0..3 for a..d) to `count` values from f with the given shape.
  void draw(int i, std::vector<int64_t> shape, Rng& r, const std::function<double(Rng&)>& f);
};

// A magnitude at which a kernel's formats must fail for its op.
struct Cliff {
  std::string what;  // e.g. "fp16 exp overflow"
  double at = 0;     // input magnitude, computed from the format's constants
  // "upper": the cliff is met as the scale grows (overflow, or the underflow of exp(-s));
  // "lower": as it shrinks.
  std::string side = "upper";
};

// The cliffs of one kernel, kept to those the sweep can reach (inside the input format's
// range), first come first kept per description.
class CliffList {
 public:
  explicit CliffList(Format in);
  void add(std::string what, double at, const char* side = "upper");
  std::vector<Cliff> take();

 private:
  double lo_, hi_;
  std::vector<Cliff> list_;
};

// The smallest magnitude that round-to-nearest carries to inf: max finite + half the spacing
// of the top binade (65520 for fp16).
double overflow_threshold(Format f);
// The largest magnitude that rounds to 0: half the smallest subnormal.
double underflow_threshold(Format f);

struct RangeSpec {
  // The pattern, drawn once from r (seeded by the report's seed and the op's name).
  std::function<RangePattern(Rng& r)> pattern;
  // The op's cliffs for recipe rc on the pattern (the input format's own ends are added by
  // the study).
  std::function<void(const Recipe& rc, const RangePattern& pat, CliffList& c)> cliffs;
  // Relative cost of one evaluation of the pattern (schedules the long sweeps first).
  double cost = 1;
};

}  // namespace numguard
