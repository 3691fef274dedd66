#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "harness/core/format.h"
#include "harness/engine/op.h"
#include "harness/explain/hypothesis.h"

namespace numguard::explain {
namespace {

// Zeros keep their sign: DAZ hardware reads a subnormal as a zero of the same sign.
void flush_subnormals(Tensor& t) {
  const uint64_t sign = desc(t.format).sign_mask();
  for (uint64_t& b : t.bits)
    if (classify(t.format, b) == FpClass::subnormal) b &= sign;
}

}  // namespace

const std::vector<Family>& families() {
  static const std::vector<Family> all = [] {
    std::vector<Family> v;
    for (auto list : {reduction_families, row_families, activation_families, mx_families})
      for (Family& f : list()) v.push_back(std::move(f));
    return v;
  }();
  return all;
}

std::vector<Hypothesis> catalogue(std::string_view op, const Recipe& r) {
  Model declared;
  const Family* family = nullptr;
  for (const Family& f : families())
    if (std::ranges::find(f.ops, op) != f.ops.end()) {
      family = &f;
      declared = f.declared(op, r);
      break;
    }
  std::vector<Hypothesis> out;
  if (!declared) return out;
  out.push_back({"as_declared", "the kernel computes as its recipe declares", declared});
  if (!r.daz) {
    out.push_back(
        {"daz", "subnormal inputs read as zero (DAZ)", [declared](const Problem& p, Tensor& y) {
           Problem q = p;
           for (Tensor* t : {&q.a, &q.b, &q.c, &q.d}) flush_subnormals(*t);
           declared(q, y);
         }});
    // DAZ on one operand only (a load path that flushes, another that does not), where the op
    // reads several in the input format.
    const OpInfo* info = find_op(op);
    std::vector<const Operand*> inputs;
    if (info)
      for (const Operand& o : info->schema.operands)
        if (o.format == OperandFormat::input) inputs.push_back(&o);
    if (inputs.size() > 1)
      for (const Operand* o : inputs)
        out.push_back(
            {fmt::format("daz={}", o->name),
             fmt::format("subnormal values of {} (only) read as zero", o->name),
             [declared, slot = o->slot](const Problem& p, Tensor& y) {
               Problem q = p;
               flush_subnormals(slot == 'a' ? q.a : slot == 'b' ? q.b : slot == 'c' ? q.c : q.d);
               declared(q, y);
             }});
  }
  if (!r.ftz.out)
    out.push_back({"ftz=out", "subnormal outputs flushed to zero (FTZ at the output)",
                   [declared](const Problem& p, Tensor& y) {
                     declared(p, y);
                     flush_subnormals(y);
                   }});
  // An empty output refused with an error (a CUDA grid of 0 blocks is an invalid launch
  // configuration) where frameworks and BLAS return at once with nothing written.
  out.push_back({"empty_output=error",
                 "an empty output (a dimension of 0) fails with an error instead of returning "
                 "nothing (a launch of zero blocks is an invalid configuration)",
                 [declared](const Problem& p, Tensor& y) {
                   if (y.size() == 0) throw PredictedKernelError("an empty output");
                   declared(p, y);
                 }});
  family->variants(op, r, out);
  return out;
}

}  // namespace numguard::explain
