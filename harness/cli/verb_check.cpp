// numguard check: runs kernels over every input generator against the exact reference and
// judges each output element against the bound derived from the kernel's recipe. Prints a
// table (check_report_table.h), optionally writes a JSON summary (check_json.h), and prints
// for every failing kernel the one line that reproduces its first failure; with --case it
// re-runs that one case and prints its details (case_details.h).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/cli/atomic_file.h"
#include "harness/cli/case_details.h"
#include "harness/cli/check_json.h"
#include "harness/cli/check_progress.h"
#include "harness/cli/check_report_table.h"
#include "harness/cli/check_results.h"
#include "harness/cli/explain_output.h"
#include "harness/cli/inputs_option.h"
#include "harness/cli/kernel_selection.h"
#include "harness/cli/numeric_option.h"
#include "harness/cli/plugin_option.h"
#include "harness/cli/runnable_selection.h"
#include "harness/cli/seed_option.h"
#include "harness/cli/shape_option.h"
#include "harness/cli/verb.h"
#include "harness/engine/generators.h"
#include "harness/engine/output_sampling.h"

namespace numguard::cli {
namespace {

// Limits that keep a typo from exhausting memory: run_check lists every case index up front
// (8 bytes each) and starts one thread per --threads.
constexpr int64_t kMaxCases = 10'000'000;
constexpr unsigned kMaxThreads = 1024;

struct CheckCommand {
  CheckOptions engine;
  std::optional<int64_t> case_index;
  std::vector<std::string> generators;
  std::string json_path;
  std::string outputs_path;  // --outputs: the --case's whole output as .npy
  std::string device = "auto";
  bool explain = false;  // run `numguard explain` on every failing kernel after the table
  std::vector<std::string> shapes;  // --shape: the run's shapes (case_shapes.h)
  std::string shape_set;            // --shapes NAME (shape_sets.h)
  InputsRequest inputs;             // --inputs: the user's tensors as the cases (user_inputs.h)
  std::string sample;               // --sample N|all (output_sampling.h); "" automatic
  int64_t input_count = 0;          // cases --inputs gave (0: generated cases)
  std::vector<std::string> plugins;
  kernel_worker::Limits limits;  // of the plugin kernels' worker processes
};

std::string generator_names() {
  std::string s;
  for (const Generator& g : case_generators()) s += (s.empty() ? "" : ", ") + g.name;
  return s;
}

std::optional<DeviceChoice> device_choice(const std::string& name) {
  if (name == "cpu") return DeviceChoice::cpu;
  if (name == "cuda") return DeviceChoice::cuda;
  if (name == "auto") return DeviceChoice::automatic;
  return std::nullopt;
}

// Validates what CLI11 cannot; returns the kernels to run.
std::vector<const KernelDesc*> validate(CheckCommand& c) {
  const std::optional<DeviceChoice> device = device_choice(c.device);
  if (!device) throw UsageError("--device must be cpu, cuda or auto, not '" + c.device + "'");
  c.engine.device = *device;
  if (c.engine.cases < 1 || c.engine.cases > kMaxCases)
    throw UsageError(fmt::format("--cases must be between 1 and {}", kMaxCases));
  if (c.engine.threads > kMaxThreads)
    throw UsageError(fmt::format("--threads must be between 0 (all cores) and {}", kMaxThreads));
  for (const std::string& g : c.generators)
    if (!find_generator(g))
      throw UsageError(fmt::format("unknown generator '{}' (known: {})", g, generator_names()));
  c.engine.generators = c.generators;
  build_registry_or_fail(c.plugins, c.limits);
  std::vector<const KernelDesc*> kernels =
      select_or_fail(c.engine.kernels, c.engine.include_mutants);
  if (c.case_index) {
    if (*c.case_index < 0) throw UsageError("--case must be a case index >= 0");
    if (kernels.size() != 1)
      throw UsageError(
          fmt::format("--case needs --kernel to name exactly one kernel ('{}' matches {})",
                      c.engine.kernels, kernels.size()));
    // Case I always uses generator I % G (check_runner.h); a filter could only contradict it.
    if (!c.generators.empty())
      throw UsageError("--case picks its generator from the case index; drop --generator");
    c.engine.only_case = c.case_index;
  }
  if (!c.json_path.empty()) {
    const std::string error = probe_writable(c.json_path);
    if (!error.empty()) throw UsageError("--json: " + error);
  }
  if (!c.outputs_path.empty()) {
    if (!c.case_index) throw UsageError("--outputs writes one case's output: give --case I");
    const std::string error = probe_writable(c.outputs_path);
    if (!error.empty()) throw UsageError("--outputs: " + error);
  }
  c.input_count = apply_inputs(
      c.inputs, c.shape_set.empty() ? c.shapes : std::vector<std::string>{"set"}, kernels);
  if (c.input_count > 0) {
    if (!c.generators.empty()) throw UsageError("--inputs gives the cases; drop --generator");
    if (c.case_index && *c.case_index >= c.input_count)
      throw UsageError(fmt::format("--case {} is past the {} case{} --inputs gives (0..{})",
                                   *c.case_index, c.input_count, c.input_count == 1 ? "" : "s",
                                   c.input_count - 1));
  }
  kernels = apply_shapes(c.shapes, c.shape_set, kernels);
  if (c.sample == "all") {
    set_sample_setting({.automatic = false, .count = std::nullopt});
  } else if (!c.sample.empty()) {
    int64_t n = 0;
    const auto [end, ec] = std::from_chars(c.sample.data(), c.sample.data() + c.sample.size(), n);
    if (ec != std::errc() || end != c.sample.data() + c.sample.size() || n < 1 ||
        n > (int64_t{1} << 22))
      throw UsageError("--sample must be 'all' or a number of elements from 1 to 4194304, not '" +
                       c.sample + "'");
    set_sample_setting({.automatic = false, .count = n});
  }
  return runnable_selection(kernels, c.engine.device);
}

CheckResults run(const CheckCommand& c, const std::vector<const KernelDesc*>& kernels) {
  CheckResults r;
  r.options = c.engine;
  const auto all = case_generators();
  if (c.input_count > 0)
    r.generators = case_source_names();
  else if (c.case_index)
    r.generators.push_back(all[static_cast<size_t>(*c.case_index) % all.size()].name);
  else
    for (const Generator& g : all)
      if (c.generators.empty() ||
          std::find(c.generators.begin(), c.generators.end(), g.name) != c.generators.end())
        r.generators.push_back(g.name);
  CheckProgress progress;
  const auto start = std::chrono::steady_clock::now();
  // Plugin kernels run in worker processes (kernel_worker.h): a crash is that case's CRASH.
  r.kernels = run_check(kernels, c.engine,
                        [&progress](int64_t done, int64_t total) { progress.update(done, total); });
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  progress.finish();
  return r;
}

int write_json(const CheckCommand& c, const CheckResults& r) {
  if (c.json_path.empty()) return kExitOk;
  const std::string error = write_file_atomically(c.json_path, check_json(r).dump(2) + "\n");
  if (error.empty()) return kExitOk;
  fmt::print(stderr, "numguard check: --json: {}\n", error);
  return kExitUsage;
}

// `--explain`: the explanation of every failing kernel, over the same seed and cases (a
// crashed kernel has no outputs to fit and is left to its CRASH lines).
void explain_failures(const CheckCommand& c, const CheckResults& r) {
  explain::ExplainOptions o{
      .seed = c.engine.seed, .cases = c.engine.cases, .threads = c.engine.threads};
  for (const KernelSummary& s : r.kernels) {
    if (s.pass() || !s.kernel || !s.crashed.empty()) continue;
    fmt::print("\n{}", explanation_text(explain::explain_kernel(*s.kernel, o)));
    std::fflush(stdout);
  }
}

// `--inputs`: the worst elements of the user's cases, as `--case` shows them: every case of a
// lone kernel (failing ones first, at most kShownInputCases), else the failing cases of each
// failing kernel.
void print_input_details(const CheckCommand& c, const CheckResults& r) {
  constexpr size_t kShownInputCases = 8;
  for (const KernelSummary& s : r.kernels) {
    if (!s.kernel || !s.crashed.empty()) continue;
    std::vector<int64_t> shown;
    for (const auto& [index, verdict] : s.failing) shown.push_back(index);
    if (r.kernels.size() == 1)
      for (int64_t i = 0; i < c.input_count; ++i)
        if (std::find(shown.begin(), shown.end(), i) == shown.end()) shown.push_back(i);
    for (size_t j = 0; j < shown.size() && j < kShownInputCases; ++j) {
      fmt::print("\n");
      (void)print_case_details(*s.kernel, c.engine.seed, shown[j]);
    }
    if (shown.size() > kShownInputCases)
      fmt::print("\n({} more input cases: --case I shows case I)\n",
                 shown.size() - kShownInputCases);
  }
  std::fflush(stdout);
}

int run_check_verb(CheckCommand& c) {
  const std::vector<const KernelDesc*> kernels = validate(c);
  if (c.case_index) {
    std::string outputs_error;
    const CaseOutcome outcome = print_case_details(*kernels.front(), c.engine.seed, *c.case_index,
                                                   c.outputs_path, &outputs_error);
    if (!outputs_error.empty()) {
      fmt::print(stderr, "numguard check: --outputs: {}\n", outputs_error);
      return kExitUsage;
    }
    if (!c.json_path.empty()) {
      const int status = write_json(c, run(c, kernels));
      if (status != kExitOk) return status;
    }
    if (outcome.verdict == Verdict::internal_error) return kExitInternal;
    return is_failure(outcome.verdict) ? kExitFailure : kExitOk;
  }
  const CheckResults r = run(c, kernels);
  fmt::print("{}", check_report_table(r));
  std::fflush(stdout);
  if (c.input_count > 0) print_input_details(c, r);
  if (c.explain) explain_failures(c, r);
  const int status = write_json(c, r);
  if (status != kExitOk) return status;
  if (r.internal_errors() > 0) return kExitInternal;
  return r.failed() == 0 ? kExitOk : kExitFailure;
}

VerbAction setup_check(CLI::App& app) {
  auto c = std::make_shared<CheckCommand>();
  app.add_option("--kernel", c->engine.kernels,
                 "Comma-separated name globs ('*', '?', '[...]'), default '*'; an exact "
                 "mutant name selects it without --include-mutants")
      ->type_name("GLOB");
  app.add_flag("--include-mutants", c->engine.include_mutants,
               "Also check the mutants matched by --kernel (each must fail)");
  app.add_option("--cases", c->engine.cases, "Cases per kernel per generator (default 200)")
      ->type_name("N")
      ->check(integer_in(1, int64_t{1} << 32));
  app.add_option("--seed", c->engine.seed, "Run seed (default 1); case I depends only on it and I")
      ->type_name("S")
      ->check(seed_problem);
  app.add_option("--threads", c->engine.threads, "Worker threads (default 0: all cores)")
      ->type_name("T")
      ->check(integer_in(0, 4096));
  app.add_option("--json", c->json_path,
                 "Also write the JSON summary to FILE (via FILE.tmp, then renamed)")
      ->type_name("FILE")
      ->check([](const std::string& s) { return s.empty() ? "needs a file name" : std::string(); });
  app.add_option("--case", c->case_index,
                 "Re-run only case I of --seed for the one kernel --kernel names, and print its "
                 "inputs, reference, output and error")
      ->type_name("I")
      ->check(integer_in(0, INT64_MAX));
  app.add_option("--outputs", c->outputs_path,
                 "With --case: also write the kernel's whole output to FILE as NumPy .npy "
                 "(fp16 / fp32 / fp64 bits kept; narrower formats as exact float32)")
      ->type_name("FILE")
      ->check([](const std::string& s) { return s.empty() ? "needs a file name" : std::string(); });
  app.add_option("--generator", c->generators,
                 "Only these generators (comma-separated): " + generator_names())
      ->delimiter(',')
      ->type_name("NAME,...");
  app.add_option("--device", c->device,
                 "auto (default): GPU kernels run on a CUDA device when one is present (and must "
                 "match their CPU twins bit for bit), otherwise their CPU twins are checked in "
                 "their place; cpu: always the twins; cuda: a GPU is required")
      ->type_name("cpu|cuda|auto");
  add_shape_option(app, c->shapes, c->shape_set);
  add_inputs_option(app, c->inputs);
  app.add_option("--sample", c->sample,
                 fmt::format("Verify N output elements of each case exactly (tile corners and "
                             "edges for tiles 16..256, first and last rows and columns, "
                             "extreme-norm rows, then random ones), or 'all'. Default: every "
                             "element of outputs up to {} elements, {} of larger ones",
                             kAutoFullElements, kDefaultSample))
      ->type_name("N|all");
  app.add_flag("--explain", c->explain,
               "After the table, run `numguard explain` on every failing kernel (same seed and "
               "cases): the ranked hypotheses and the mechanism");
  add_plugin_option(app, c->plugins);
  add_kernel_limit_options(app, c->limits);
  app.footer(
      "Examples:\n"
      "  numguard check\n"
      "  numguard check --kernel 'dot.*' --cases 1000 --json build/check.json\n"
      "  numguard check --include-mutants --kernel 'mutant.*' --generator tile_edges\n"
      "  numguard check --kernel mutant.gemm.fp16.dropped_k_tail --seed 1 --case 3\n"
      "  numguard check --kernel 'gemm.bf16.*' --inputs layer3.npz\n"
      "Exit status: 0 every kernel passed (or the --case passed), 1 a kernel failed (a violation, "
      "a "
      "CRASH, too many unsupported cases), 2 usage error or a bad plugin, 3 numguard internal "
      "error.");
  return [c] { return run_check_verb(*c); };
}

NUMGUARD_REGISTER_VERB({
    .name = "check",
    .summary = "Check kernels against exact references and the bounds derived from their recipes",
    .setup = setup_check,
});

}  // namespace
}  // namespace numguard::cli
