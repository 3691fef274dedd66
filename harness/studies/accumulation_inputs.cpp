#include "harness/studies/accumulation_inputs.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "harness/core/rounding.h"
#include "harness/engine/generators.h"
#include "harness/engine/op.h"
#include "harness/engine/random.h"

namespace numguard::studies {
namespace {

constexpr uint64_t kSalt = 0xACC00000ull;  // keeps these inputs apart from other studies'

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

const std::vector<AccumulationOp>& accumulation_ops() {
  static const std::vector<AccumulationOp> ops = [] {
    std::vector<AccumulationOp> v;
    for (const OpInfo* op : op_table())
      if (op->accumulation) {
        AccumulationOp a{*op->accumulation};
        a.op = op->name;
        v.push_back(std::move(a));
      }
    return v;
  }();
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
  const AccumulationOp* op = find_accumulation_op(kd.op);
  if (!op) throw std::invalid_argument("accumulation study: op " + kd.op + " has no reduction");
  if (d.kind == DistKind::gendot) {
    if (!op->gendot) throw std::invalid_argument("accumulation study: no GenDot for " + kd.op);
    // A fresh construction per n (GenDot is not prefix-consistent), seeded by (trial, n).
    const uint64_t salt = kSalt + 0x100000 + static_cast<uint64_t>(in) * 4096 +
                          static_cast<uint64_t>(std::lround(std::log10(d.cond)));
    Rng r(case_seed(seed, static_cast<uint64_t>(trial) * 64 + static_cast<uint64_t>(std::log2(n)),
                    salt));
    double achieved = 0;
    Problem p = op->gendot(in, r, n, d.cond, &achieved);
    if (cond) *cond = achieved;
    return p;
  }
  AccumulationInputs inputs;
  inputs.in = in;
  inputs.n = n;
  inputs.stream = [&](int s, int64_t len, bool magnitude) {
    return stream(in, d, s, trial, seed, len, magnitude);
  };
  inputs.fixed_rng = [&](uint64_t salt) {
    return Rng(case_seed(seed, static_cast<uint64_t>(trial), kSalt + salt));
  };
  return op->build(inputs);
}

}  // namespace numguard::studies
