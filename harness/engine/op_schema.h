// The operand schema of an op: what each operand of a Problem holds, its shape in the
// problem's dimensions, which format its elements are in and whether it may be absent. It is
// the one description of an op's layout: reproducer files are validated against it, `numguard
// ops` prints it, plugins and kernels read their operands by it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/core/kernel.h"

namespace numguard {

// The dimensions of a Problem (m, n, k), in which operand shapes are written; k32 =
// ceil(k / 32) and k16 = ceil(k / 16), the counts of OCP MX and NVFP4 scale blocks along k,
// are derived from k, never set.
enum class Dim : uint8_t { m, n, k, k32, k16 };
std::string_view name(Dim d);
int64_t value(Dim d, const Problem& p);
inline bool derived(Dim d) {
  return d == Dim::k32 || d == Dim::k16;
}

// Which format an operand's elements are in.
enum class OperandFormat : uint8_t {
  input,        // the recipe's input format
  output,       // the recipe's output format (gemm's C, which the epilogue adds to the result)
  scale,        // E8M0 block scales (OCP MX: one power of two per 32 elements)
  scale_ue4m3,  // UE4M3 block scales (NVFP4: one per 16 elements)
};
std::string_view name(OperandFormat f);
// The format of an operand's elements for a kernel reading `in` and writing `out`.
Format operand_format(OperandFormat f, Format in, Format out);

enum class Presence : uint8_t {
  required,
  optional,   // may be absent (empty), e.g. an activation's bias
  with_beta,  // read only when beta != 0; when present it must have its full shape
};
std::string_view name(Presence p);

struct Operand {
  char slot = 'a';         // the Problem tensor that holds it: 'a', 'b', 'c' or 'd'
  std::string name;        // what it is: "x", "gamma", "Q"
  std::vector<Dim> shape;  // row-major, in the problem's dimensions
  OperandFormat format = OperandFormat::input;
  Presence presence = Presence::required;
  std::string meaning;  // one line for `numguard ops`
  // Users' own tensors (`--inputs`, user_inputs.h): the value every element takes when the
  // file does not hold this operand (layernorm's gamma = 1, as frameworks initialize it);
  // nullopt: a required operand must be in the file.
  std::optional<double> fill;

  int64_t count(const Problem& p) const;
  std::string shape_text() const;  // "m x k"
};

// Problem::lengths: one integer per index of `count`, each below `below` when given.
struct Integers {
  std::string name;  // "targets"
  Dim count = Dim::m;
  std::optional<Dim> below;
  std::string meaning;
};

struct Scalar {
  std::string name;  // "eps"
  std::string meaning;
  // `--inputs`: the value when the file does not give it (PyTorch's default eps), computed
  // from the problem's dimensions; empty: the file must give it.
  std::function<double(const Problem&)> fallback;
};

struct OpSchema {
  std::vector<std::pair<Dim, std::string>> dims;  // what m, n and k mean for this op
  std::vector<std::pair<Dim, int64_t>> fixed;     // dims with one allowed value (dot: m = 1)
  std::vector<Operand> operands;
  std::optional<Integers> lengths;
  std::vector<Scalar> scalars;
  bool alpha_beta = false;  // out = alpha * (...) + beta * C: the epilogue's scalars are read
  std::vector<Dim> out;     // the output's shape, in the recipe's output format
  // An output that is several results one after another (adam's w', m', v'): its length, and
  // how it reads ("3 n"); used instead of `out` when set.
  std::function<int64_t(const Problem&)> out_length;
  std::string out_length_text;
  std::string out_meaning;

  const Operand* operand(char slot) const;
  std::vector<int64_t> out_shape(const Problem& p) const;
  std::string out_text() const;  // "m x n", or out_length_text
  // Why p does not fit the schema for a kernel reading `in` and writing `out` (a dimension,
  // an operand's count or format, the integers, the scalars); "" when it fits.
  std::string mismatch(std::string_view op, const Problem& p, Format in, Format out) const;
  // One line per operand, integer list and scalar list: "a  x  m x n  input  the logits".
  std::vector<std::string> describe() const;
};

}  // namespace numguard
