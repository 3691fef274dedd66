// The op table (PyTorch OpInfo's idea): every op -- the reduction family (dot, sum, sumsq,
// gemm), the row ops, the activations, attention, the optimizer step -- is one OpInfo entry,
// registered beside its definition under harness/engine/ops/ with NUMGUARD_REGISTER_OP. An
// entry holds every per-op fact: its operand schema, its case generators, its exact reference
// and the bound derived from a kernel's recipe, how its elements are described, its relations,
// how the studies build its inputs and where its formats break, and how the fuzz target lays
// out its bytes. The check runner, reproducer files, `--case` details, the studies, the fuzz
// targets, the plugin loader and the CLI read the table; nothing outside an op's own files
// compares op names.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/kernel.h"
#include "harness/core/rounding.h"
#include "harness/engine/op_schema.h"
#include "harness/engine/op_study.h"
#include "harness/engine/random.h"

namespace numguard {

// One output element of one case, judged against its reference.
struct OpElement {
  double value = 0;     // the exact result rounded to double (NaN / inf as IEEE propagates)
  double bound = 0;     // derived bound on |output - value|
  double estimate = 0;  // probabilistic estimate (reported, never used to fail)
  double scale = 0;     // the magnitude the bound scales with (domain reach)
  std::string domain;   // why the element lies outside the kernel's promise, "" inside
  // Whether the output conversion rounds again (a narrower output than the accumulator);
  // nullopt: the output format differs from the accumulator's.
  std::optional<bool> out_cast;
  // The exact result itself, where the reference has it beyond double (the reduction family).
  std::optional<Unpacked> exact;
  // Bit-accurate recipes (a tensor core's fused blocks): the bits the recipe's model computes;
  // an output inside the bound that differs from them is a model_mismatch.
  std::optional<uint64_t> model_bits;
};

// The inputs of one output element, for the case printer.
struct ElementInputs {
  std::string where;  // appended to "element i", e.g. " (row 1, col 2)"; may be empty
  std::string text;   // one line, or a line and indented lines after it
  // Whether text shows every input value the element reads (otherwise a file gets them all);
  // nullopt: when the case has at most 16 input values.
  std::optional<bool> complete;
};

// A metamorphic relation: a property every correct kernel of the op has, checked by running
// the kernel on related inputs. check() returns "" when it holds on the case drawn from r, or
// what failed; *checked receives how many elements it compared (0: the case gave none).
struct Relation {
  std::string name;   // e.g. "shift_invariance"
  std::string claim;  // one line, e.g. "softmax(x + c) = softmax(x) for a constant c per row"
  std::function<std::string(const KernelDesc& k, Rng& r, int64_t* checked)> check;
};

// How the fuzz target numguard-fuzz turns bytes into a case of the op (fuzz/fuzz_input.h).
enum class FuzzLayout : uint8_t {
  explicit_shape,  // k (and m, n when mn_from_bytes) and every element from the bytes
  generated,       // the op's own generator and a seed make the structure; values from bytes
};

struct FuzzSpec {
  std::string family;  // the per-family wrapper numguard-fuzz-<family> (fuzz/families.txt)
  FuzzLayout layout = FuzzLayout::generated;
  bool mn_from_bytes = false;  // explicit_shape: m and n from the header (else 1)
};

// Which recipe fields an op's reference and bound read, so that a kernel declaring one the op
// ignores is refused rather than judged by a bound that silently leaves it out
// (op_recipe.h). The reduction family reads the whole accumulation recipe (products, casts,
// every order, acc rounding, FTZ per stage); a row or elementwise op reads its orders and
// methods, the staging format and math_ulps.
struct RecipeUse {
  bool accumulation = false;  // products, input casts, every order, acc_rounding, ftz
  std::vector<Order> orders = {Order::sequential, Order::strided};
  std::vector<Method> methods = {Method::direct};
  bool empty_rows = false;     // softmax, attention: what a row with nothing in it gives
  bool stage = false;          // softmax: the format exp(x - max) is stored in between passes
  bool block_scaling = false;  // mx_gemm: the block-scaled operands (and no other cast)
};

struct OpInfo {
  std::string name;
  std::string summary;  // what it computes, one line
  int rank = 0;         // position in listings and in the report (ascending)
  OpSchema schema;
  // What the reduction length n is ("" when the op has none); the accumulation study sweeps it.
  std::string reduction_length;
  // Each output row depends on one input row and the judge computes only sampled rows
  // (row_op_common.h, RowSample): a sample's random part then concentrates in a subset of
  // rows (output_sampling.h), so a sampled check pays for few rows, not for all of them.
  bool row_sampling = false;
  // The bound: its formula's name, where docs/error-models.md derives it.
  std::string bound_formula;
  // What each generator (generators.h) means for this op, where it differs from its generic
  // description.
  std::vector<std::pair<std::string, std::string>> generator_notes;
  std::vector<Relation> relations;

  // Builds one case of the named generator; shapes and values depend only on the rng and the
  // recipe.
  std::function<Problem(const KernelDesc&, Rng&, std::string_view generator)> make;
  // The reference, bound and domain of every output element.
  std::function<std::vector<OpElement>(const Recipe&, const Problem&)> judge;
  // Why the whole case lies outside the kernel's promise ("" inside); optional.
  std::function<std::string(const Recipe&, const Problem&)> case_domain;
  // The inputs element i reads.
  std::function<ElementInputs(const Problem&, size_t element)> describe;

  RecipeUse recipe_use;
  std::optional<AccumulationSpec> accumulation;  // nullopt: no reduction to sweep
  RangeSpec range;
  FuzzSpec fuzz;

  std::vector<int64_t> out_shape(const Problem& p) const { return schema.out_shape(p); }
};

// Every op of the table, by rank.
const std::vector<const OpInfo*>& op_table();
// The op named `name`, or nullptr.
const OpInfo* find_op(std::string_view name);

// Why `op` cannot enter the table (a missing name, reference, generator, bound formula,
// operand schema, range pattern, fuzz family or case describer), "" when it can.
std::string op_entry_error(const OpInfo& op);

// Registers an op; an entry that op_entry_error refuses, or a second op of the same name,
// ends the process at start-up with a message naming the op.
struct OpRegistration {
  explicit OpRegistration(OpInfo op);
};

#define NUMGUARD_OP_CONCAT_INNER(a, b) a##b
#define NUMGUARD_OP_CONCAT(a, b) NUMGUARD_OP_CONCAT_INNER(a, b)
#define NUMGUARD_REGISTER_OP(...) \
  static const ::numguard::OpRegistration NUMGUARD_OP_CONCAT(numguard_op_, __LINE__)(__VA_ARGS__)

}  // namespace numguard
