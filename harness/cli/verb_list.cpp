// numguard list: the registered kernels (core kernel table) with their op, device and the
// recipe their error bounds are derived from; mutants with the kernel they imitate and the
// bug they plant.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "harness/cli/kernel_json.h"
#include "harness/cli/kernel_selection.h"
#include "harness/cli/plugin_option.h"
#include "harness/cli/verb.h"

namespace numguard::cli {
namespace {

struct ListOptions {
  bool json = false;
  bool include_mutants = false;
  std::string kernels = "*";
  std::vector<std::string> plugins;
};

void print_table(const std::vector<const KernelDesc*>& kernels) {
  size_t width = 4, op_width = 4;
  for (const KernelDesc* k : kernels) {
    width = std::max(width, k->name.size());
    op_width = std::max(op_width, k->op.size() + 2);
  }
  std::string out =
      fmt::format("{:<{}}  {:<{}}{:<9}{}\n", "name", width, "op", op_width, "device", "recipe");
  const std::string indent(width + 2 + op_width + 9, ' ');
  size_t mutants = 0;
  for (const KernelDesc* k : kernels) {
    out += fmt::format("{:<{}}  {:<{}}{:<9}{}\n", k->name, width, k->op, op_width, name(k->device),
                       k->recipe.summary());
    if (k->mutant) {
      ++mutants;
      out += fmt::format("{}mutant of {}: {}\n", indent, k->imitates, k->bug);
      if (!k->mechanism.empty()) out += fmt::format("{}mechanism: {}\n", indent, k->mechanism);
    }
    // twin_of links both ways: a GPU kernel names the CPU kernel that reproduces it, and the
    // CPU twin names the GPU kernel it reproduces.
    if (!k->twin_of.empty())
      out += fmt::format("{}{} {}\n", indent,
                         k->device == Device::cpu ? "CPU twin of" : "CPU twin:", k->twin_of);
  }
  out += fmt::format("{} kernel{}, {} mutant{}\n", kernels.size(), kernels.size() == 1 ? "" : "s",
                     mutants, mutants == 1 ? "" : "s");
  fmt::print("{}", out);
}

int run_list(const ListOptions& o) {
  build_registry_or_fail(o.plugins);
  const std::vector<const KernelDesc*> kernels = select_or_fail(o.kernels, o.include_mutants);
  if (!o.json) {
    print_table(kernels);
    return kExitOk;
  }
  nlohmann::json list = nlohmann::json::array();
  for (const KernelDesc* k : kernels) list.push_back(kernel_json(*k));
  fmt::print("{}\n", list.dump(2));
  return kExitOk;
}

VerbAction setup_list(CLI::App& app) {
  auto o = std::make_shared<ListOptions>();
  app.add_flag("--json", o->json,
               "Print a JSON array: [{\"name\", \"op\", \"device\", \"mutant\", \"recipe\": "
               "{..., \"summary\"}, ...}]");
  app.add_flag("--include-mutants", o->include_mutants,
               "Also list the mutants (kernels with a planted bug)");
  app.add_option("--kernel", o->kernels,
                 "Comma-separated name globs ('*', '?', '[...]'), default '*'; an exact "
                 "mutant name selects it without --include-mutants")
      ->type_name("GLOB");
  add_plugin_option(app, o->plugins);
  app.footer(
      "Examples:\n"
      "  numguard list\n"
      "  numguard list --include-mutants --kernel 'gemm.*,mutant.gemm.*'\n"
      "  numguard list --json --include-mutants\n"
      "Exit status: 0 ok, 2 usage error (e.g. a --kernel glob that matches nothing).");
  return [o] { return run_list(*o); };
}

NUMGUARD_REGISTER_VERB({
    .name = "list",
    .summary = "The registered kernels: op, device, recipe; mutants with their planted bug",
    .setup = setup_list,
});

}  // namespace
}  // namespace numguard::cli
