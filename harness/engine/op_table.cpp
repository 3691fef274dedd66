// The op table: the entries each op registers beside its definition (harness/engine/ops/),
// checked as they arrive.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <tuple>

#include "harness/engine/generators.h"
#include "harness/engine/op.h"

namespace numguard {
namespace {

// Function-local statics: registrations call in from other files' static initializers.
std::vector<std::unique_ptr<OpInfo>>& entries() {
  static std::vector<std::unique_ptr<OpInfo>> e;
  return e;
}

[[noreturn]] void refuse(const std::string& why) {
  std::fprintf(stderr, "numguard: op table: %s\n", why.c_str());
  std::_Exit(70);  // static initialization: no exception could be caught above us
}

}  // namespace

std::string op_entry_error(const OpInfo& op) {
  if (op.name.empty()) return "an op without a name";
  const std::string& n = op.name;
  if (!op.make) return "op " + n + " has no case generators (make)";
  if (!op.judge) return "op " + n + " has no reference and bound (judge)";
  if (op.bound_formula.empty()) return "op " + n + " names no bound formula";
  if (!op.describe) return "op " + n + " cannot describe an element's inputs";
  if (op.schema.operands.empty()) return "op " + n + " has no operand schema";
  if (op.schema.out.empty() && !op.schema.out_length) return "op " + n + " has no output shape";
  if (op.schema.out_length && op.schema.out_length_text.empty())
    return "op " + n + " does not say how its output length reads";
  for (const Operand& o : op.schema.operands) {
    if (o.slot < 'a' || o.slot > 'd')
      return "op " + n + ": operand " + o.name + " is not in slot a, b, c or d";
    if (o.shape.empty()) return "op " + n + ": operand " + o.name + " has no shape";
    for (const Operand& other : op.schema.operands)
      if (&other != &o && other.slot == o.slot)
        return "op " + n + ": two operands in slot " + std::string(1, o.slot);
  }
  if (!op.range.pattern || !op.range.cliffs)
    return "op " + n + " has no range-study pattern or cliffs";
  if (op.accumulation && !op.accumulation->build)
    return "op " + n + " opts into the accumulation study without an input builder";
  if (op.fuzz.family.empty()) return "op " + n + " names no fuzz family";
  for (const auto& [g, note] : op.generator_notes)
    if (!find_generator(g)) return "op " + n + " notes generator " + g + ", which does not exist";
  for (const Relation& r : op.relations)
    if (r.name.empty() || !r.check) return "op " + n + " has a relation without a name or check";
  return "";
}

OpRegistration::OpRegistration(OpInfo op) {
  if (const std::string why = op_entry_error(op); !why.empty()) refuse(why);
  for (const auto& e : entries())
    if (e->name == op.name) refuse("op " + op.name + " is registered twice");
  entries().push_back(std::make_unique<OpInfo>(std::move(op)));
}

const std::vector<const OpInfo*>& op_table() {
  static const std::vector<const OpInfo*> t = [] {
    std::vector<const OpInfo*> v;
    for (const auto& e : entries()) v.push_back(e.get());
    std::sort(v.begin(), v.end(), [](const OpInfo* a, const OpInfo* b) {
      return std::tie(a->rank, a->name) < std::tie(b->rank, b->name);
    });
    return v;
  }();
  return t;
}

const OpInfo* find_op(std::string_view name) {
  for (const OpInfo* op : op_table())
    if (op->name == name) return op;
  return nullptr;
}

}  // namespace numguard
