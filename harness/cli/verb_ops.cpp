// numguard ops: the op table -- every op with its operand schema (the one place operand
// layouts are written down: plugins, reproducer files and kernels read their operands by it),
// what its reduction length n is, what each generator means for it, its relations and its
// bound's formula.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/cli/verb.h"
#include "harness/engine/generators.h"
#include "harness/engine/op.h"
#include "harness/engine/registry.h"

namespace numguard::cli {
namespace {

struct OpsOptions {
  bool json = false;
  std::vector<std::string> ops;
};

std::string_view name(FuzzLayout l) {
  return l == FuzzLayout::explicit_shape ? "explicit_shape" : "generated";
}

// Each generator with the op's own meaning where the entry gives one.
std::vector<std::pair<std::string, std::string>> generators_of(const OpInfo& op) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Generator& g : case_generators()) {
    std::string meaning = g.description;
    for (const auto& [n, note] : op.generator_notes)
      if (n == g.name) meaning = note;
    out.emplace_back(g.name, meaning);
  }
  return out;
}

int kernel_count(const OpInfo& op, bool mutants) {
  int n = 0;
  for (const KernelDesc& k : registry().kernels()) n += k.op == op.name && k.mutant == mutants;
  return n;
}

nlohmann::json op_json(const OpInfo& op) {
  const OpSchema& s = op.schema;
  nlohmann::json dims = nlohmann::json::object(), fixed = nlohmann::json::object();
  for (const auto& [d, meaning] : s.dims) dims[std::string(name(d))] = meaning;
  for (const auto& [d, v] : s.fixed) fixed[std::string(name(d))] = v;
  nlohmann::json operands = nlohmann::json::array();
  for (const Operand& o : s.operands) {
    nlohmann::json shape_dims = nlohmann::json::array();
    for (Dim d : o.shape) shape_dims.push_back(name(d));
    operands.push_back({{"slot", std::string(1, o.slot)},
                        {"name", o.name},
                        {"shape", o.shape_text()},
                        {"dims", shape_dims},
                        {"format", name(o.format)},
                        {"presence", name(o.presence)},
                        {"optional", o.presence != Presence::required},
                        {"meaning", o.meaning}});
  }
  nlohmann::json lengths = nullptr;
  if (s.lengths) {
    lengths = {{"name", s.lengths->name},
               {"count", name(s.lengths->count)},
               {"meaning", s.lengths->meaning}};
    lengths["below"] = s.lengths->below ? nlohmann::json(name(*s.lengths->below)) : nullptr;
  }
  nlohmann::json scalars = nlohmann::json::array();
  for (const Scalar& sc : s.scalars)
    scalars.push_back({{"name", sc.name}, {"meaning", sc.meaning}});
  nlohmann::json gens = nlohmann::json::array();
  for (const auto& [g, meaning] : generators_of(op))
    gens.push_back({{"name", g}, {"meaning", meaning}});
  nlohmann::json relations = nlohmann::json::array();
  for (const Relation& r : op.relations)
    relations.push_back({{"name", r.name}, {"claim", r.claim}});
  nlohmann::json accumulation = nullptr;
  if (op.accumulation)
    accumulation = {{"length", op.accumulation->length_meaning},
                    {"max_log2_n", op.accumulation->max_log2_n_full},
                    {"gendot", static_cast<bool>(op.accumulation->gendot)}};
  return {{"name", op.name},
          {"summary", op.summary},
          {"dims", dims},
          {"fixed", fixed},
          {"operands", operands},
          {"lengths", lengths},
          {"scalars", scalars},
          {"alpha_beta", s.alpha_beta},
          {"output", {{"shape", s.out_text()}, {"format", "output"}, {"meaning", s.out_meaning}}},
          {"reduction_length", op.reduction_length.empty() ? nlohmann::json(nullptr)
                                                           : nlohmann::json(op.reduction_length)},
          {"bound", op.bound_formula},
          {"generators", gens},
          {"relations", relations},
          {"studies", {{"accumulation", accumulation}, {"range", true}}},
          {"fuzz", {{"family", op.fuzz.family}, {"layout", name(op.fuzz.layout)}}},
          {"kernels", kernel_count(op, false)},
          {"mutants", kernel_count(op, true)}};
}

std::string op_text(const OpInfo& op) {
  const OpSchema& s = op.schema;
  std::string t = fmt::format("{}\n  {}\n", op.name, op.summary);
  std::string dims;
  for (const auto& [d, meaning] : s.dims)
    dims += fmt::format("{}{} = {}", dims.empty() ? "" : "; ", name(d), meaning);
  for (const auto& [d, v] : s.fixed) dims += fmt::format(" ({} must be {})", name(d), v);
  t += fmt::format("  dims        {}\n", dims);
  bool first = true;
  for (const std::string& line : s.describe()) {
    t += fmt::format("  {:<12}{}\n", first ? "operands" : "", line);
    first = false;
  }
  if (s.alpha_beta) t += "  scalars     alpha, beta (the problem's epilogue, BLAS semantics)\n";
  t += fmt::format("  output      [{}] output format: {}\n", s.out_text(), s.out_meaning);
  t += fmt::format("  n           {}\n",
                   op.reduction_length.empty() ? "none (no reduction)" : op.reduction_length);
  t += fmt::format("  bound       {}\n", op.bound_formula);
  first = true;
  for (const auto& [g, meaning] : generators_of(op)) {
    t += fmt::format("  {:<12}{}: {}\n", first ? "generators" : "", g, meaning);
    first = false;
  }
  first = true;
  for (const Relation& r : op.relations) {
    t += fmt::format("  {:<12}{}: {}\n", first ? "relations" : "", r.name, r.claim);
    first = false;
  }
  t += fmt::format("  fuzz        family {}, {} layout\n", op.fuzz.family, name(op.fuzz.layout));
  t += fmt::format("  studies     {}range\n",
                   op.accumulation ? "accumulation (n = " + op.accumulation->length_meaning + "), "
                                   : std::string());
  const int mutants = kernel_count(op, true);
  t += fmt::format("  kernels     {} ({} mutant{})\n", kernel_count(op, false), mutants,
                   mutants == 1 ? "" : "s");
  return t;
}

int run_ops(const OpsOptions& o) {
  std::vector<const OpInfo*> ops;
  for (const std::string& n : o.ops) {
    const OpInfo* op = find_op(n);
    if (!op) throw UsageError(fmt::format("--op '{}' is not an op (numguard ops lists them)", n));
    ops.push_back(op);
  }
  if (ops.empty()) ops = op_table();
  if (o.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const OpInfo* op : ops) list.push_back(op_json(*op));
    fmt::print("{}\n", nlohmann::json{{"ops", list}}.dump(2));
    return kExitOk;
  }
  std::string out;
  for (const OpInfo* op : ops) out += op_text(*op) + "\n";
  out += fmt::format("{} op{}\n", ops.size(), ops.size() == 1 ? "" : "s");
  fmt::print("{}", out);
  return kExitOk;
}

VerbAction setup_ops(CLI::App& app) {
  auto o = std::make_shared<OpsOptions>();
  app.add_flag("--json", o->json,
               "Print {\"ops\": [{\"name\", \"operands\": [{\"slot\", \"name\", \"shape\", "
               "\"format\", ...}], \"output\", \"reduction_length\", \"generators\", "
               "\"relations\", \"bound\", \"fuzz\", ...}]}");
  app.add_option("--op", o->ops, "Only these ops (repeatable)")->type_name("NAME");
  app.footer(
      "Operand slots a, b, c, d are the Problem tensors (include/numguard/plugin.h's "
      "numguard_problem); shapes are row-major in the problem's m, n, k. A kernel reads its "
      "inputs in the recipe's input format, an operand marked 'output format' in its output "
      "format.\n"
      "Examples:\n"
      "  numguard ops\n"
      "  numguard ops --op gemm --op layernorm\n"
      "  numguard ops --json\n"
      "Exit status: 0 ok, 2 usage error (an unknown --op).");
  return [o] { return run_ops(*o); };
}

NUMGUARD_REGISTER_VERB({
    .name = "ops",
    .summary = "The op table: operand layouts, reduction length, generators, relations, bounds",
    .setup = setup_ops,
});

}  // namespace
}  // namespace numguard::cli
