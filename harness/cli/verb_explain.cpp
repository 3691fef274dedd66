// `numguard explain --kernel K`: when a kernel fails, finds out why. Runs the check's cases,
// then fits the hypothesis catalogue (harness/explain/) to the kernel's outputs and prints the
// ranked hypotheses and a verdict naming the mechanism, or saying that none explains the
// failures. Exit 0 when the kernel passes or a hypothesis explains every failure, 1 when
// failures stay unexplained, 2 on usage errors, 3 when numguard's own code failed.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "harness/cli/atomic_file.h"
#include "harness/cli/explain_output.h"
#include "harness/cli/inputs_option.h"
#include "harness/cli/kernel_selection.h"
#include "harness/cli/numeric_option.h"
#include "harness/cli/plugin_option.h"
#include "harness/cli/runnable_selection.h"
#include "harness/cli/seed_option.h"
#include "harness/cli/shape_option.h"
#include "harness/cli/verb.h"
#include "harness/engine/check_runner.h"
#include "harness/engine/registry.h"

namespace numguard::cli {
namespace {

struct ExplainCommand {
  std::string kernel;
  explain::ExplainOptions options;
  std::string json_path;
  std::vector<std::string> shapes;
  std::string shape_set;
  InputsRequest inputs;
  std::vector<std::string> plugins;
  kernel_worker::Limits limits;
};

int run_explain(ExplainCommand& c) {
  if (!c.json_path.empty()) {
    const std::string error = probe_writable(c.json_path);
    if (!error.empty()) throw UsageError("--json: " + error);
  }
  build_registry_or_fail(c.plugins, c.limits);
  const std::vector<const KernelDesc*> named = select_or_fail(c.kernel, true);
  if (named.size() != 1)
    throw UsageError(fmt::format("--kernel must name exactly one kernel ('{}' matches {})",
                                 c.kernel, named.size()));
  apply_inputs(c.inputs, c.shape_set.empty() ? c.shapes : std::vector<std::string>{c.shape_set},
               named);
  (void)apply_shapes(c.shapes, c.shape_set, named);
  const std::vector<const KernelDesc*> kernels = runnable_selection(named, DeviceChoice::automatic);
  const explain::Explanation e = explain::explain_kernel(*kernels.front(), c.options);
  fmt::print("{}", explanation_text(e));
  std::fflush(stdout);
  if (!c.json_path.empty()) {
    const std::string error =
        write_file_atomically(c.json_path, explanation_json(e).dump(2) + "\n");
    if (!error.empty()) {
      fmt::print(stderr, "numguard explain: --json: {}\n", error);
      return kExitUsage;
    }
  }
  if (!e.internal_error.empty()) {
    fmt::print(stderr, "numguard internal error explaining {}: {}\n", e.kernel, e.internal_error);
    return kExitInternal;
  }
  return e.explained ? kExitOk : kExitFailure;
}

VerbAction setup_explain(CLI::App& app) {
  auto c = std::make_shared<ExplainCommand>();
  app.add_option("--kernel", c->kernel, "The kernel to explain (a mutant name works as it is)")
      ->type_name("NAME")
      ->required();
  app.add_option("--cases", c->options.cases,
                 "Cases per generator (default 200, the check's cases)")
      ->type_name("N")
      ->check(integer_in(1, 1'000'000));
  app.add_option("--seed", c->options.seed, "Run seed (default 1): the check's case indices")
      ->type_name("S")
      ->check(seed_problem);
  app.add_option("--threads", c->options.threads, "Worker threads (default 0: all cores)")
      ->type_name("T")
      ->check(integer_in(0, 1024));
  app.add_option("--json", c->json_path,
                 "Also write the explanation as JSON to FILE (via a temporary file, renamed)")
      ->type_name("FILE")
      ->check([](const std::string& s) { return s.empty() ? "needs a file name" : std::string(); });
  add_shape_option(app, c->shapes, c->shape_set);
  add_inputs_option(app, c->inputs);
  add_plugin_option(app, c->plugins);
  add_kernel_limit_options(app, c->limits);
  app.footer(
      "Each hypothesis is the kernel's declared recipe varied one way (subnormals flushed, a "
      "narrower accumulator, another output rounding, a dropped K tail, a formula variant, ...), "
      "computed by numguard's own models and compared with the kernel's outputs case by case.\n"
      "Examples:\n"
      "  numguard explain --kernel mutant.gemm.fp16.fp16_accumulation\n"
      "  numguard explain --plugin ./libmykernels.so --kernel my_gemm --json explain.json\n"
      "  numguard explain --plugin ./libmykernels.so --kernel my_gemm --inputs dumps/\n"
      "Exit status: 0 the kernel passes or a hypothesis explains every failure, 1 failures stay "
      "unexplained, 2 usage error or a bad plugin, 3 numguard internal error.");
  return [c] { return run_explain(*c); };
}

NUMGUARD_REGISTER_VERB({
    .name = "explain",
    .summary = "Find out why a kernel fails: fit hypotheses about its arithmetic to its outputs",
    .setup = setup_explain,
});

}  // namespace
}  // namespace numguard::cli
