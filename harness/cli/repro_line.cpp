#include "harness/cli/repro_line.h"
#include "harness/engine/case_shapes.h"

#include <fmt/format.h>

#include <algorithm>

#include "harness/engine/registry.h"
#include "harness/engine/user_inputs.h"

namespace numguard::cli {
namespace {

bool shell_safe(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-' || c == '+' || c == '/' || c == ':' || c == '=';
  });
}

std::string shell_quote(const std::string& s) {
  if (shell_safe(s)) return s;
  std::string q = "'";
  for (const char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

bool selects_only(const std::string& glob, bool include_mutants, const KernelDesc& k) {
  const std::vector<const KernelDesc*> picked = select_kernels(glob, include_mutants);
  return picked.size() == 1 && picked.front() == &k;
}

}  // namespace

std::string repro_line(const KernelDesc& k, uint64_t seed, int64_t case_index) {
  std::string flags = selects_only(k.name, false, k) ? "" : " --include-mutants";
  if (!k.plugin.empty()) flags += fmt::format(" --plugin {}", shell_quote(k.plugin));
  // Case I's shape is (I / G) % S of the run's shapes, in their order (case_shapes.h).
  if (const ShapeSet* set = case_shape_set())
    flags += fmt::format(" --shapes {}", set->name);
  else
    for (const std::string& s : case_shapes(k.op))
      flags += fmt::format(" --shape {}", shell_quote(s));
  // With --inputs, case I is input file I (user_inputs.h).
  if (!inputs_path().empty()) {
    flags += fmt::format(" --inputs {}", shell_quote(inputs_path()));
    if (input_bits_as() != BitsAs::none)
      flags += input_bits_as() == BitsAs::bf16 ? " --as bf16" : " --as fp16";
  }
  if (!inputs_path().empty())  // the case is the file: no seed
    return fmt::format("numguard check --kernel {}{} --case {}", shell_quote(k.name), flags,
                       case_index);
  return fmt::format("numguard check --kernel {}{} --seed {} --case {}", shell_quote(k.name), flags,
                     seed, case_index);
}

}  // namespace numguard::cli
