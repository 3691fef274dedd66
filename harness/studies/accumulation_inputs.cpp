#include "harness/studies/accumulation_inputs.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "harness/core/rounding.h"
#include "harness/engine/generators.h"
#include "harness/engine/random.h"

namespace numguard::studies {
namespace {

constexpr uint64_t kSalt = 0xACC00000ull;  // keeps these inputs apart from other studies'

// Head dimension, query rows of attention; rows of cross_entropy; outputs of gemm (r x r).
constexpr int64_t kHeadDim = 8, kQueries = 2, kLossRows = 4, kGemmSide = 2;

// Stream `stream` of trial `trial`: `len` values of distribution d in format `in`, drawn in
// index order from one rng, so a shorter stream is a prefix of a longer one. `magnitude`:
// the alternating distribution without its signs (the second operand of a dot, whose products
// then alternate in sign as the first operand does).
std::vector<uint64_t> stream(Format in, const Distribution& d, int stream, int64_t trial,
                             uint64_t seed, int64_t len, bool magnitude = false) {
  const uint64_t salt = kSalt + static_cast<uint64_t>(in) * 4096 +
                        static_cast<uint64_t>(d.kind) * 64 + static_cast<uint64_t>(stream);
  Rng r(case_seed(seed, static_cast<uint64_t>(trial), salt));
  const double mx = desc(in).max_finite();
  std::vector<uint64_t> out(static_cast<size_t>(len));
  for (int64_t i = 0; i < len; ++i) {
    double v = 1;
    switch (d.kind) {
      case DistKind::uniform01:
        v = r.uniform(0, 1);
        break;
      case DistKind::normal:
        v = r.normal();
        break;
      case DistKind::alternating:
        v = r.uniform(0, 1) * (magnitude || i % 2 == 0 ? 1 : -1);
        break;
      case DistKind::ones:
      case DistKind::gendot:
        break;
    }
    out[static_cast<size_t>(i)] = to_bits(in, std::clamp(v, -mx, mx));
  }
  return out;
}

Tensor tensor(Format in, std::vector<int64_t> shape, std::vector<uint64_t> bits) {
  Tensor t(in, std::move(shape));
  t.bits = std::move(bits);
  return t;
}

Tensor constant(Format in, std::vector<int64_t> shape, double v) {
  Tensor t(in, std::move(shape));
  std::fill(t.bits.begin(), t.bits.end(), to_bits(in, v));
  return t;
}

// Rows r = 0..rows-1 of length n, row r a prefix of stream first + r: an m x n tensor.
Tensor rows(Format in, const Distribution& d, int first, int64_t rows_, int64_t n, int64_t trial,
            uint64_t seed) {
  std::vector<uint64_t> bits;
  bits.reserve(static_cast<size_t>(rows_ * n));
  for (int64_t r = 0; r < rows_; ++r) {
    const std::vector<uint64_t> s = stream(in, d, first + static_cast<int>(r), trial, seed, n);
    bits.insert(bits.end(), s.begin(), s.end());
  }
  return tensor(in, {rows_, n}, std::move(bits));
}

}  // namespace

const std::vector<Distribution>& distributions() {
  static const std::vector<Distribution> d = {
      {"uniform01", DistKind::uniform01, 0},     {"normal", DistKind::normal, 0},
      {"alternating", DistKind::alternating, 0}, {"ones", DistKind::ones, 0},
      {"gendot_1e2", DistKind::gendot, 1e2},     {"gendot_1e4", DistKind::gendot, 1e4},
      {"gendot_1e6", DistKind::gendot, 1e6},     {"gendot_1e8", DistKind::gendot, 1e8},
  };
  return d;
}

// Caps and trial budgets: the reduction family's exact accumulator costs a few ns per term,
// so it runs to 2^20; the row ops' references are MPFR (a 192-bit exp per element, about a
// microsecond), so their lengths are capped where the full report's budget ends (docs/
// studies-accumulation.md has the measured costs).
const std::vector<AccumulationOp>& accumulation_ops() {
  static const std::vector<AccumulationOp> ops = {
      {"sum", "terms summed (k)", 20, 14, false, true, 1 << 15, 1 << 17, 2, 64},
      {"sumsq", "squares summed (k)", 20, 14, false, true, 1 << 15, 1 << 17, 2, 64},
      {"dot", "products summed (k)", 20, 14, true, true, 1 << 15, 1 << 17, 2, 64},
      {"gemm", "inner dimension k of a 2 x 2 output (4 dot products per trial)", 20, 14, true, true,
       1 << 13, 1 << 15, 1, 16},
      {"softmax", "row length (the denominator sums n exponentials)", 16, 14, false, false, 1 << 10,
       1 << 12, 1, 4, 20},
      {"log_softmax", "row length (the log-sum-exp sums n exponentials)", 16, 14, false, false,
       1 << 10, 1 << 12, 1, 4, 20},
      {"layernorm", "row length (mean and variance over n values)", 16, 14, false, false, 1 << 10,
       1 << 12, 1, 4, 20},
      {"layernorm_backward", "row length (dx's two row sums over n values)", 16, 14, false, false,
       1 << 10, 1 << 12, 1, 4, 20},
      {"rmsnorm", "row length (mean square over n values)", 16, 14, false, false, 1 << 10, 1 << 12,
       1, 4, 20},
      {"rmsnorm_backward", "row length (dx's row sum over n values)", 16, 14, false, false, 1 << 10,
       1 << 12, 1, 4, 20},
      {"attention", "keys per query (head dimension 8, 2 queries)", 14, 14, false, false, 1 << 9,
       1 << 11, 1, 4, 20},
      {"cross_entropy", "classes per row (logsumexp over n logits, 4 rows)", 16, 14, false, false,
       1 << 10, 1 << 12, 1, 4, 20},
  };
  return ops;
}

const AccumulationOp* find_accumulation_op(std::string_view op) {
  for (const AccumulationOp& o : accumulation_ops())
    if (o.op == op) return &o;
  return nullptr;
}

int64_t trials_at(const AccumulationOp& op, int64_t n, bool quick) {
  const int64_t work = quick ? op.work_quick : op.work_full;
  return std::clamp<int64_t>(work / std::max<int64_t>(n, 1), op.min_trials, op.max_trials);
}

Problem accumulation_problem(const KernelDesc& kd, const Distribution& d, int64_t n, int64_t trial,
                             uint64_t seed, double* cond) {
  const Format in = kd.recipe.in;
  if (cond) *cond = std::numeric_limits<double>::quiet_NaN();
  Problem p;
  const std::string& op = kd.op;
  if (d.kind == DistKind::gendot) {
    // A fresh construction per n (GenDot is not prefix-consistent), seeded by (trial, n).
    const uint64_t salt = kSalt + 0x100000 + static_cast<uint64_t>(in) * 4096 +
                          static_cast<uint64_t>(std::lround(std::log10(d.cond)));
    Rng r(case_seed(seed, static_cast<uint64_t>(trial) * 64 + static_cast<uint64_t>(std::log2(n)),
                    salt));
    double achieved = 0;
    p = gendot_problem(kd, r, n, d.cond, &achieved);
    if (cond) *cond = achieved;
    return p;
  }
  if (op == "sum" || op == "sumsq" || op == "dot") {
    p.m = p.n = 1;
    p.k = n;
    p.a = tensor(in, {1, n}, stream(in, d, 0, trial, seed, n));
    if (op == "dot") p.b = tensor(in, {n, 1}, stream(in, d, 1, trial, seed, n, true));
  } else if (op == "gemm") {
    p.m = p.n = kGemmSide;
    p.k = n;
    p.a = rows(in, d, 0, kGemmSide, n, trial, seed);  // row i: stream i
    // Column j of b is stream 2 + j; b is stored k x n row-major.
    p.b = Tensor(in, {n, kGemmSide});
    for (int64_t j = 0; j < kGemmSide; ++j) {
      const std::vector<uint64_t> s = stream(in, d, 2 + static_cast<int>(j), trial, seed, n, true);
      for (int64_t l = 0; l < n; ++l)
        p.b.bits[static_cast<size_t>(l * kGemmSide + j)] = s[static_cast<size_t>(l)];
    }
  } else if (op == "softmax" || op == "log_softmax") {
    p.m = 1;
    p.n = n;
    p.a = rows(in, d, 0, 1, n, trial, seed);
  } else if (op == "layernorm_backward" || op == "rmsnorm_backward") {
    // The forward's operands (gamma = 1) and an upstream gradient dy from the next stream.
    p.m = 1;
    p.n = n;
    p.a = rows(in, d, 0, 1, n, trial, seed);
    p.b = constant(in, {n}, 1.0);
    p.c = rows(in, d, 1, 1, n, trial, seed);
    p.scalars = {round_value(Format::fp32, 1e-5)};
  } else if (op == "layernorm" || op == "rmsnorm") {
    // gamma = 1, beta = 0: the output is the normalized row itself, so its error is the
    // statistics' (plus the final rounding).
    p.m = 1;
    p.n = n;
    p.a = rows(in, d, 0, 1, n, trial, seed);
    p.b = constant(in, {n}, 1.0);
    if (op == "layernorm") p.c = constant(in, {n}, 0.0);
    p.scalars = {round_value(Format::fp32, 1e-5)};
  } else if (op == "attention") {
    // Q is fixed per trial; K and V rows are prefixes of their streams (row-major n x d).
    p.m = kQueries;
    p.n = n;
    p.k = kHeadDim;
    p.a = tensor(in, {kQueries, kHeadDim}, stream(in, d, 0, trial, seed, kQueries * kHeadDim));
    p.b = tensor(in, {n, kHeadDim}, stream(in, d, 1, trial, seed, n * kHeadDim));
    p.c = tensor(in, {n, kHeadDim}, stream(in, d, 2, trial, seed, n * kHeadDim));
    p.lengths.assign(static_cast<size_t>(kQueries), n);
    p.scalars = {round_value(Format::fp32, 1 / std::sqrt(static_cast<double>(kHeadDim)))};
  } else if (op == "cross_entropy") {
    p.m = kLossRows;
    p.n = n;
    p.a = rows(in, d, 0, kLossRows, n, trial, seed);
    // Targets below 16 (the shortest row): the same at every n.
    Rng r(case_seed(seed, static_cast<uint64_t>(trial), kSalt + 0x200000));
    p.lengths.resize(static_cast<size_t>(kLossRows));
    for (auto& t : p.lengths) t = r.integer(0, 15);
  }
  return p;
}

}  // namespace numguard::studies
