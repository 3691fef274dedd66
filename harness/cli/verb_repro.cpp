// `numguard repro FILE|DIR...`: replays reproducer files (harness/engine/reproducer_file.h)
// — what numguard-fuzz writes under corpus/regressions/<kernel>/ — under the ordinary build,
// and prints the worst element's inputs, reference, output and bound. Exit 1 while any
// reproducer still fails, so ctest keeps a bug once found found; exit 2 for a file that is
// not a well-formed reproducer (never a crash: a plugin kernel runs in a worker process).
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "harness/cli/case_details.h"
#include "harness/cli/numeric_option.h"
#include "harness/cli/plugin_option.h"
#include "harness/cli/verb.h"
#include "harness/core/printable.h"
#include "harness/engine/registry.h"
#include "harness/engine/reproducer_file.h"

namespace numguard::cli {
namespace {

namespace fs = std::filesystem;

// A reproducer holds at most 4 operands of 2^22 elements at 9 bytes each in text.
constexpr std::uintmax_t kMaxFileBytes = 160u << 20;

struct ReproCommand {
  std::vector<std::string> paths, plugins;
  kernel_worker::Limits limits;
  bool quiet = false;
};

std::vector<fs::path> collect(const std::vector<std::string>& paths) {
  std::vector<fs::path> files;
  for (const std::string& arg : paths) {
    std::error_code ec;
    const fs::path p(arg);
    if (fs::is_regular_file(p, ec)) {
      files.push_back(p);
    } else if (fs::is_directory(p, ec)) {
      std::vector<fs::path> found;
      for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::end(it);
           it.increment(ec)) {
        if (it->path().extension() != ".repro" || it->path().filename().string().starts_with("."))
          continue;
        // A symlink loop or a dangling link named *.repro is a bad input, not a crash.
        std::error_code entry;
        const bool regular = it->is_regular_file(entry);
        if (entry) throw UsageError(fmt::format("{}: {}", it->path().string(), entry.message()));
        if (regular) found.push_back(it->path());
      }
      if (ec) throw UsageError(fmt::format("cannot read folder {}: {}", arg, ec.message()));
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else {
      throw UsageError(
          fmt::format("{}: {}", arg, ec ? ec.message() : std::string("not a file or folder")));
    }
  }
  return files;
}

// The file as a reproducer whose kernel exists here and whose operands fit its op, or "why not".
std::string load(const fs::path& file, Reproducer& r, const KernelDesc*& kernel) {
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(file, ec);
  if (ec) return ec.message();
  if (size > kMaxFileBytes) return "larger than 160 MiB, not a reproducer";
  // Opened and read here, so that a file that cannot be read says why (permission denied)
  // instead of reading as empty text, "not a numguard reproducer".
  std::ifstream in(file, std::ios::binary);
  if (!in) return fmt::format("cannot read it: {}", std::strerror(errno));
  std::string text(static_cast<size_t>(size), '\0');  // size is bounded above
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) return fmt::format("cannot read it: {}", std::strerror(errno));
  text.resize(static_cast<size_t>(in.gcount()));  // a file that shrank meanwhile
  std::string error;
  std::optional<Reproducer> parsed = parse_reproducer(text, &error);
  if (!parsed) return error;
  r = std::move(*parsed);
  kernel = find_kernel(r.kernel);
  if (!kernel)
    return r.plugin.empty()
               ? fmt::format("no kernel named '{}' (numguard list shows them)", r.kernel)
               : fmt::format("no kernel named '{}'; it came from {}: add --plugin {}", r.kernel,
                             r.plugin, r.plugin);
  if (!r.op.empty() && r.op != kernel->op)
    return fmt::format("the file is for op '{}', kernel '{}' computes '{}'", r.op, r.kernel,
                       kernel->op);
  if (const std::string bad = operand_mismatch(*kernel, r.problem); !bad.empty()) return bad;
  return "";
}

struct Replayed {
  int status = kExitOk;  // kExitOk: passes, kExitFailure: still fails
  std::string details;   // the case's details (a crash of a plugin kernel among them)
};

// Runs the case here; a plugin kernel runs in its worker process (kernel_worker.h), so one that
// crashes, exits or hangs on it is a failure of that reproducer, not of numguard.
Replayed replay(const KernelDesc& k, const Problem& p, const fs::path& file) {
  Replayed r;
  CaseOrigin origin;
  origin.text = "reproducer " + file.string();
  origin.inputs_in = file.string();
  const CaseOutcome c = describe_case(k, p, origin, r.details);
  r.status = is_failure(c.verdict) ? kExitFailure : kExitOk;
  return r;
}

int run_repro(const ReproCommand& c) {
  build_registry_or_fail(c.plugins, c.limits);
  const std::vector<fs::path> files = collect(c.paths);
  if (files.empty()) {
    fmt::print("repro: no reproducer files (*.repro) under {}\n", fmt::join(c.paths, ", "));
    return kExitOk;
  }
  const bool one = files.size() == 1;
  int passed = 0, failing = 0, malformed = 0;
  for (const fs::path& f : files) {
    Reproducer r;
    const KernelDesc* k = nullptr;
    if (const std::string why = load(f, r, k); !why.empty()) {
      fmt::print(stderr, "numguard repro: {}: {}\n", printable(f.string()), why);
      ++malformed;
      continue;
    }
    const std::vector<const KernelDesc*> here =
        runnable_kernels({k}, DeviceChoice::automatic, nullptr, nullptr);
    if (here.empty() || here.front() != k) {
      fmt::print("SKIP  {}  ({} needs a CUDA device)\n", printable(f.string()), k->name);
      ++passed;
      continue;
    }
    const Replayed out = replay(*k, r.problem, f);
    const bool fails = out.status != kExitOk;
    if ((one || fails) && !c.quiet) fmt::print("{}", out.details);
    fmt::print("{}  {}  ({})\n", fails ? "FAIL" : "PASS", printable(f.string()), k->name);
    fails ? ++failing : ++passed;
  }
  if (!one)
    fmt::print("repro: {} reproducers: {} pass, {} still fail, {} malformed\n", files.size(),
               passed, failing, malformed);
  std::fflush(stdout);
  if (malformed > 0) return kExitUsage;
  return failing > 0 ? kExitFailure : kExitOk;
}

VerbAction setup_repro(CLI::App& app) {
  auto c = std::make_shared<ReproCommand>();
  app.add_option("paths", c->paths,
                 "Reproducer files, or folders whose *.repro files (recursively) are replayed")
      ->required()
      ->type_name("FILE|DIR");
  add_plugin_option(app, c->plugins);
  add_kernel_limit_options(app, c->limits, "--timeout");
  app.add_flag("--quiet", c->quiet, "One line per reproducer, no details");
  app.footer(
      "Examples:\n"
      "  numguard repro "
      "corpus/regressions/gemm.fp32.fp32acc.sequential/alpha3_subnormal_products.repro\n"
      "  numguard repro corpus/regressions\n"
      "  numguard repro found/mykernel/0123abcd.repro --plugin build/libmykernels.so\n"
      "Exit status: 0 every reproducer passes, 1 one still fails (or crashes), 2 a file is "
      "not a reproducer or names an unknown kernel.");
  return [c] { return run_repro(*c); };
}

NUMGUARD_REGISTER_VERB({
    .name = "repro",
    .summary = "Replay reproducer files written by numguard fuzz (corpus/regressions/)",
    .setup = setup_repro,
});

}  // namespace
}  // namespace numguard::cli
