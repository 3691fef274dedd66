#include "harness/studies/range_inputs.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "harness/core/rounding.h"
#include "harness/engine/generators.h"
#include "harness/engine/op.h"
#include "harness/engine/random.h"

namespace numguard::studies {
namespace {

uint64_t op_salt(const std::string& op) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a: the same op gets the same values every run
  for (char c : op) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return h;
}

// Divides the scaled operands by their largest magnitude and makes that element exactly +-1
// (positive when `max_positive`: softmax's and exp's largest input must be the largest value,
// so that exp(max) is what overflows).
void normalize(RangePattern& p, bool max_positive) {
  double top = 0;
  double* arg = nullptr;
  for (int i = 0; i < 4; ++i)
    if (p.scaled[i])
      for (double& x : p.values[i])
        if (std::fabs(x) > top) {
          top = std::fabs(x);
          arg = &x;
        }
  if (!arg) throw std::logic_error("range pattern: no scaled operand");
  for (int i = 0; i < 4; ++i)
    if (p.scaled[i])
      for (double& x : p.values[i]) x /= top;
  *arg = max_positive ? 1.0 : std::copysign(1.0, *arg);
}

}  // namespace

RangePattern range_pattern(const KernelDesc& k, uint64_t seed) {
  const OpInfo* op = find_op(k.op);
  if (!op) throw std::runtime_error("range study: no op " + k.op);
  Rng r(case_seed(seed, op_salt(k.op), 0x52414e4745ull));  // "RANGE"
  RangePattern p = op->range.pattern(r);
  p.op = k.op;
  normalize(p, p.max_positive);
  return p;
}

Problem range_problem(const KernelDesc& k, const RangePattern& pat, double s) {
  Problem p = pat.shape;
  const Format in = k.recipe.in;
  const double mx = desc(in).max_finite();
  Tensor* t[4] = {&p.a, &p.b, &p.c, &p.d};
  for (int i = 0; i < 4; ++i) {
    if (pat.values[i].empty()) continue;
    // Each operand in its own format (block scales are E8M0, gemm's C the output's).
    const OpInfo* op = find_op(k.op);
    const Operand* o = op ? op->schema.operand(static_cast<char>('a' + i)) : nullptr;
    const Format f_i = o ? operand_format(o->format, in, k.recipe.out) : in;
    const double top = f_i == in ? mx : desc(f_i).max_finite();
    *t[i] = Tensor(f_i, pat.shapes[i]);
    const double f = pat.scaled[i] ? s : 1.0;
    for (size_t j = 0; j < pat.values[i].size(); ++j)
      t[i]->bits[j] = to_bits(f_i, std::clamp(pat.values[i][j] * f, -top, top));
  }
  return p;
}

}  // namespace numguard::studies
