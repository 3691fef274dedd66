#include "harness/studies/range_cliffs.h"

#include <stdexcept>
#include <string>

#include "harness/engine/op.h"

namespace numguard::studies {

std::vector<Cliff> range_cliffs(const KernelDesc& k, const RangePattern& pat) {
  const OpInfo* op = find_op(k.op);
  if (!op) throw std::runtime_error("range study: no op " + k.op);
  const Format in = k.recipe.in;
  const FormatDesc& di = desc(in);
  const std::string f(name(in));
  CliffList c(in);
  c.add(f + " max finite (the input format's end)", di.max_finite());
  c.add(f + " min normal", di.min_normal(), "lower");
  c.add(f + " min subnormal (the input format's end)", di.min_subnormal(), "lower");
  op->range.cliffs(k.recipe, pat, c);
  return c.take();
}

}  // namespace numguard::studies
