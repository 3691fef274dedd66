// numguard: builds one CLI11 subcommand per registered verb, parses, runs the chosen verb.
// Exit statuses follow verb.h: CLI11's own codes (105, 106, 109, ...) are folded into
// kExitUsage so that every usage error reads the same to a script. Every message is one line:
// the user text it echoes (an option's value) has its control characters escaped.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "harness/cli/negative_values.h"
#include "harness/cli/verb.h"
#include "harness/core/printable.h"
#include "harness/engine/case_trace.h"

#ifndef NUMGUARD_VERSION
#define NUMGUARD_VERSION "unknown"
#endif

namespace {

using numguard::cli::kExitFailure;
using numguard::cli::kExitUsage;

// "numguard convert" when the error came from a verb's options, "numguard" otherwise.
std::string who(const std::vector<std::pair<CLI::App*, numguard::cli::VerbAction>>& verbs) {
  for (const auto& [app, action] : verbs)
    if (app->parsed()) return "numguard " + app->get_name();
  return "numguard";
}

int run(int argc, char** argv) {
  CLI::App app{"numguard " NUMGUARD_VERSION
               ": numerical-stability harness for FP16/BF16/TF32/FP8 kernels, checked against "
               "MPFR references.",
               "numguard"};
  app.set_version_flag("--version", "numguard " NUMGUARD_VERSION);
  app.require_subcommand(0, 1);
  std::vector<std::pair<CLI::App*, numguard::cli::VerbAction>> verbs;
  for (const auto& verb : numguard::cli::registered_verbs()) {
    CLI::App* sub = app.add_subcommand(std::string(verb.name), std::string(verb.summary));
    verbs.emplace_back(sub, verb.setup(*sub));
  }

  numguard::cli::ProtectedArgs args(argc, argv);
  try {
    app.parse(args.argc(), args.argv());
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "{}: {} (see --help)\n", who(verbs), numguard::printable(e.what()));
    return kExitUsage;
  }

  for (auto& [sub, action] : verbs) {
    if (!sub->parsed()) continue;
    try {
      return action();
    } catch (const numguard::cli::UsageError& e) {
      fmt::print(stderr, "numguard {}: {}\n", sub->get_name(), numguard::printable(e.what()));
      return kExitUsage;
    }
  }
  // A usage error like any other: one line (the verbs named), not the whole help.
  std::string names;
  for (const auto& [sub, action] : verbs) names += (names.empty() ? "" : ", ") + sub->get_name();
  fmt::print(stderr, "numguard: no verb given (one of {}; see --help)\n", names);
  return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  // A fatal signal here is numguard's own failure (plugin kernels run in worker processes):
  // one message naming the case, exit 3 (harness/engine/case_trace.h).
  numguard::case_trace::report_own_crashes();
  // Never end with an uncaught exception: a crash reads as a harness bug, not a message.
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    fmt::print(stderr, "numguard: internal error: {}\n", numguard::printable(e.what()));
  } catch (...) {
    fmt::print(stderr, "numguard: internal error\n");
  }
  return kExitFailure;
}
