#include "harness/cli/inputs_option.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>

#include "harness/cli/verb.h"
#include "harness/engine/user_inputs.h"

namespace numguard::cli {

void add_inputs_option(CLI::App& app, InputsRequest& r) {
  app.add_option("--inputs", r.path,
                 "Check on your own tensors instead of generated cases: a .npy, .npz or "
                 ".safetensors file (one case; members named after the op's operands, as "
                 "`numguard ops` lists them), or a directory of them (one case per file). "
                 "Shapes come from the file; float values are rounded into the kernel's formats")
      ->type_name("FILE|DIR");
  app.add_option("--as", r.as,
                 "What uint16 tensors in --inputs hold: bf16 or fp16 bit patterns (NumPy has no "
                 "bfloat16)")
      ->type_name("bf16|fp16")
      ->check(CLI::IsMember({"bf16", "fp16"}));
}

int64_t apply_inputs(const InputsRequest& r, const std::vector<std::string>& shapes,
                     const std::vector<const KernelDesc*>& kernels) {
  if (r.path.empty()) {
    if (!r.as.empty()) throw UsageError("--as says how to read --inputs; give --inputs too");
    return 0;
  }
  if (!shapes.empty()) throw UsageError("--inputs takes the shapes from its files; drop --shape");
  const BitsAs as = r.as == "bf16" ? BitsAs::bf16 : r.as == "fp16" ? BitsAs::fp16 : BitsAs::none;
  std::vector<InputCase> cases;
  try {
    cases = load_input_cases(r.path);
  } catch (const TensorFileError& e) {
    throw UsageError(std::string("--inputs: ") + e.what());
  }
  std::vector<std::string> notes;
  for (const KernelDesc* k : kernels)
    for (const InputCase& c : cases) {
      std::vector<std::string> mine;
      try {
        (void)input_problem(*k, c, as, &mine);
      } catch (const std::invalid_argument& e) {
        throw UsageError(fmt::format("--inputs: {} (kernel {})", e.what(), k->name));
      }
      for (std::string& n : mine)
        if (std::find(notes.begin(), notes.end(), n) == notes.end()) notes.push_back(std::move(n));
    }
  for (size_t i = 0; i < cases.size(); ++i) {
    std::string members;
    for (const FileTensor& t : cases[i].tensors) {
      std::string shape;
      for (int64_t d : t.shape) shape += (shape.empty() ? "" : "x") + std::to_string(d);
      members += fmt::format("{}{} {} ({})", members.empty() ? "" : ", ",
                             t.name.empty() ? "(array)" : t.name, t.dtype,
                             shape.empty() ? "scalar" : shape);
    }
    fmt::print("inputs     case {}: {}: {}\n", i, cases[i].source, members);
  }
  for (const std::string& n : notes) fmt::print("inputs     {}\n", n);
  std::fflush(stdout);
  set_input_cases(std::move(cases), as);
  set_inputs_path(r.path);
  return static_cast<int64_t>(input_cases().size());
}

}  // namespace numguard::cli
