// `numguard fuzz --kernel NAME`: a libFuzzer campaign of numguard-fuzz (fuzz/numguard_fuzz.cpp)
// against one kernel (or a glob of them), built-in or from --plugin: progress while it runs,
// then a summary with the `numguard repro` line of every violation found. Exit 1 when a
// violation (or a crash or hang of the kernel) was found, 0 when none, 2 on bad usage or when
// numguard-fuzz is missing. docs/FUZZING.md.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "harness/cli/fuzz_campaign.h"
#include "harness/cli/numeric_option.h"
#include "harness/cli/plugin_option.h"
#include "harness/cli/verb.h"
#include "harness/engine/check_runner.h"
#include "harness/engine/registry.h"
#include "harness/engine/reproducer_file.h"

namespace numguard::cli {
namespace {

namespace fs = std::filesystem;

struct FuzzCommand {
  std::string kernel, corpus, regressions;
  std::vector<std::string> plugins;
  double time = 60;
  int jobs = 1;
  int64_t seed = 0;  // 0: numguard picks one and prints it
  double input_timeout = 10;
  int max_len = 4096;
  bool keep_going = false, no_mutator = false, quiet = false;
};

std::string folder_name(const std::string& s) {
  std::string f = s;
  for (char& ch : f)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '-' && ch != '_')
      ch = '_';
  return f;
}

fs::path self_dir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::current_path() : exe.parent_path();
}

// numguard-fuzz sits beside numguard, in the build tree and when installed.
std::string find_fuzzer() {
  if (const char* e = std::getenv("NUMGUARD_FUZZ_BINARY"); e && *e) return e;
  const fs::path p = self_dir() / "numguard-fuzz";
  std::error_code ec;
  if (fs::is_regular_file(p, ec) && access(p.c_str(), X_OK) == 0) return p.string();
  throw UsageError(
      "numguard-fuzz is not built beside this numguard (" + p.string() +
      "): configure with clang++ and libFuzzer's runtime installed (apt-get install clang "
      "libclang-rt-14-dev), or set NUMGUARD_FUZZ_BINARY");
}

// The dictionary of special bit patterns (fuzz/numguard.dict), installed or in the source tree.
std::string find_dict() {
  const fs::path candidates[] = {
      self_dir() / "numguard.dict",
      self_dir().parent_path() / "share" / "numguard" / "numguard.dict",
#ifdef NUMGUARD_SOURCE_DIR
      fs::path(NUMGUARD_SOURCE_DIR) / "fuzz" / "numguard.dict",
#endif
  };
  std::error_code ec;
  for (const fs::path& p : candidates)
    if (fs::is_regular_file(p, ec)) return p.string();
  return "";
}

std::set<std::string> reproducers_in(const fs::path& dir) {
  std::set<std::string> found;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return found;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec))
    if (it->is_regular_file() && it->path().extension() == ".repro")
      found.insert(fs::absolute(it->path()).lexically_normal().string());
  return found;
}

std::string absolute(const std::string& p) {
  return fs::absolute(p).lexically_normal().string();
}

struct Watch {
  FuzzStatus last;
  std::vector<std::string> reported;  // reproducer paths the target printed
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now(), shown;
  int violations = 0;
  bool quiet = false;
  std::vector<std::string> tail;  // the last lines, shown when libFuzzer fails to start
  bool started = false;           // libFuzzer printed anything of its own (INFO:, #N ...)

  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  void progress(bool force) {
    const auto now = std::chrono::steady_clock::now();
    if (quiet || (!force && now - shown < std::chrono::seconds(5))) return;
    shown = now;
    fmt::print(
        "numguard fuzz: {:5.0f} s  execs {}  ({}/s)  corpus {}  coverage {}  violations {}\n",
        seconds(), last.execs, last.execs_per_s, last.corpus, last.coverage, violations);
    std::fflush(stdout);
  }
  void line(const std::string& l) {
    tail.push_back(l);
    if (tail.size() > 20) tail.erase(tail.begin());
    if (l.starts_with("INFO: ") || l.starts_with("#")) started = true;
    if (const auto s = parse_libfuzzer_status(l)) {
      last = *s;
      progress(false);
      return;
    }
    // The target's own report of a violation: shown as it comes.
    if (l.starts_with("numguard-fuzz: ") || l.starts_with("  worst element") ||
        l.starts_with("  the kernel threw") || l.starts_with("  reproducer ") ||
        l.starts_with("  numguard repro ")) {
      if (l.starts_with("numguard-fuzz: ") && l.find(" in ") != std::string::npos) ++violations;
      if (l.starts_with("  reproducer ")) reported.push_back(absolute(l.substr(13)));
      fmt::print("{}\n", l);
      std::fflush(stdout);
    }
  }
};

// A libFuzzer artifact with no reproducer (the kernel crashed or hung, so the target could not
// write one) becomes a reproducer: numguard-fuzz re-decodes it without running the kernel.
std::vector<std::string> convert_artifacts(const fs::path& artifacts, const std::string& fuzzer,
                                           const std::vector<std::string>& env,
                                           const std::vector<std::string>& found,
                                           const std::string& kernel) {
  std::vector<std::string> made;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(artifacts, ec)) {
    const std::string name = e.path().filename().string();
    const size_t dash = name.find('-');
    if (dash == std::string::npos) continue;
    const std::string kind = name.substr(0, dash), sha = name.substr(dash + 1);
    bool covered = false;
    for (const std::string& r : found)  // a violation's reproducer is named by the same hash
      covered = covered || fs::path(r).stem().string() == sha.substr(0, 16);
    if (covered) continue;
    const std::string why =
        kind == "crash"     ? "crash: the kernel died on this input (libFuzzer artifact)"
        : kind == "timeout" ? "timeout: one input ran past numguard fuzz's --input-timeout"
        : kind == "oom"     ? "out of memory on this input (libFuzzer artifact)"
                            : "libFuzzer artifact " + kind;
    Campaign c;
    c.fuzzer = fuzzer;
    c.args = {e.path().string()};
    c.env = env;
    c.env.push_back("NUMGUARD_FUZZ_DUMP=" + why + " (" + kernel + ")");
    c.deadline_s = 60;
    c.on_line = [&made, &why](const std::string& l) {
      std::error_code ec2;
      if (!l.ends_with(".repro") || !fs::is_regular_file(l, ec2)) return;
      made.push_back(absolute(l));
      fmt::print("numguard fuzz: {}\n  reproducer {}\n", why, made.back());
    };
    run_campaign(c);
  }
  return made;
}

// Refuses, before anything is created, a run that cannot work: no kernel named, none that can
// run here, an option out of range.
void check_usage(const FuzzCommand& c) {
  if (c.kernel.empty()) throw UsageError("--kernel NAME is required (numguard list shows them)");
  const std::vector<const KernelDesc*> picked = select_kernels(c.kernel, true);
  if (picked.empty())
    throw UsageError(
        fmt::format("--kernel '{}' names no kernel (numguard list shows them)", c.kernel));
  std::string skipped_why;
  int skipped = 0;
  if (runnable_kernels(picked, DeviceChoice::automatic, &skipped_why, &skipped).empty())
    throw UsageError(
        fmt::format("--kernel '{}': no kernel that can run here ({})", c.kernel, skipped_why));
  if (c.time <= 0 || c.time > 30 * 24 * 3600)
    throw UsageError("--time must be between 1 second and 30 days");
  if (c.jobs < 1 || c.jobs > 1024) throw UsageError("--jobs must be between 1 and 1024");
  if (c.seed < 0 || c.seed > 0xFFFFFFFFLL) throw UsageError("--seed must be in [1, 2^32 - 1]");
}

struct Folders {
  fs::path corpus, regressions;
  fs::path artifacts;  // a fresh temporary folder for libFuzzer's artifacts, removed at the end
};

// Creates the corpus and reproducer folders and the artifacts folder.
Folders make_folders(const FuzzCommand& c) {
  Folders f;
  f.corpus = c.corpus.empty() ? fs::path("corpus") / folder_name(c.kernel) : fs::path(c.corpus);
  // The corpus folder's sibling (a trailing '/' must not make it a child: libFuzzer reads the
  // corpus recursively).
  fs::path corpus_abs = fs::absolute(f.corpus).lexically_normal();
  if (corpus_abs.filename().empty()) corpus_abs = corpus_abs.parent_path();
  f.regressions =
      c.regressions.empty() ? corpus_abs.parent_path() / "regressions" : fs::path(c.regressions);
  std::error_code ec;
  fs::create_directories(f.corpus, ec);
  if (ec) throw UsageError(fmt::format("--corpus {}: {}", f.corpus.string(), ec.message()));
  fs::create_directories(f.regressions, ec);
  if (ec)
    throw UsageError(fmt::format("reproducer folder {}: {}", f.regressions.string(), ec.message()));
  char tmpl[] = "/tmp/numguard-fuzz-artifacts-XXXXXX";
  if (!mkdtemp(tmpl)) throw UsageError("cannot create a temporary folder under /tmp");
  f.artifacts = tmpl;
  return f;
}

// --seed, or a new one from the clock (printed, so the run can be repeated).
uint32_t campaign_seed(const FuzzCommand& c) {
  return c.seed > 0
             ? static_cast<uint32_t>(c.seed)
             : static_cast<uint32_t>(std::chrono::steady_clock::now().time_since_epoch().count() %
                                     0xFFFFFFF0) +
                   1;
}

// What numguard-fuzz reads its target from: the kernel, the plugins, where reproducers go.
std::vector<std::string> target_env(const FuzzCommand& c, const std::vector<std::string>& plugins,
                                    const fs::path& regressions) {
  std::string plugin_env;
  for (const std::string& p : plugins) plugin_env += (plugin_env.empty() ? "" : ":") + p;
  std::vector<std::string> env = {"NUMGUARD_FUZZ_KERNEL=" + c.kernel,
                                  "NUMGUARD_FUZZ_PLUGIN=" + plugin_env,
                                  "NUMGUARD_FUZZ_REGRESSIONS=" + absolute(regressions.string())};
  if (c.no_mutator) env.push_back("NUMGUARD_FUZZ_MUTATOR=0");
  return env;
}

// The libFuzzer run itself (its on_line is the caller's).
Campaign libfuzzer_campaign(const FuzzCommand& c, const std::string& fuzzer,
                            const std::vector<std::string>& env, uint32_t seed, const Folders& f,
                            const std::string& dict) {
  Campaign run;
  run.fuzzer = fuzzer;
  run.env = env;
  run.args = {fmt::format("-max_total_time={}", static_cast<int64_t>(c.time + 0.5)),
              fmt::format("-timeout={}", static_cast<int64_t>(c.input_timeout + 0.5)),
              fmt::format("-max_len={}", c.max_len),
              fmt::format("-seed={}", seed),
              "-print_final_stats=1",
              "-artifact_prefix=" + f.artifacts.string() + "/"};
  if (!dict.empty()) run.args.push_back("-dict=" + dict);
  // Fork mode runs workers in parallel; it is also the mode that continues past a crash.
  if (c.jobs > 1 || c.keep_going) run.args.push_back(fmt::format("-fork={}", c.jobs));
  if (c.keep_going) run.args.push_back("-ignore_crashes=1");
  run.args.push_back(f.corpus.string());
  // libFuzzer stops at -max_total_time; the deadline only catches a hang it cannot see.
  run.deadline_s = c.time + 30 + c.input_timeout;
  return run;
}

// The run's reproducers, each once: files new under the reproducer folder, those the target
// reported, then those made from libFuzzer's crash and hang artifacts.
std::vector<std::string> run_reproducers(const Folders& f, const std::set<std::string>& before,
                                         const std::vector<std::string>& reported,
                                         const std::string& fuzzer,
                                         const std::vector<std::string>& env,
                                         const std::string& kernel) {
  std::vector<std::string> found;
  for (const std::string& p : reproducers_in(f.regressions))
    if (!before.count(p)) found.push_back(p);
  for (const std::string& p : reported)
    if (std::find(found.begin(), found.end(), p) == found.end()) found.push_back(p);
  for (const std::string& p : convert_artifacts(f.artifacts, fuzzer, env, found, kernel))
    if (std::find(found.begin(), found.end(), p) == found.end()) found.push_back(p);
  return found;
}

int run_fuzz(const FuzzCommand& c) {
  build_registry_or_fail(c.plugins);
  check_usage(c);
  const std::string fuzzer = find_fuzzer();
  const Folders f = make_folders(c);
  const uint32_t seed = campaign_seed(c);
  std::vector<std::string> plugins;
  for (const std::string& p : c.plugins) plugins.push_back(absolute(p));
  const std::vector<std::string> env = target_env(c, plugins, f.regressions);
  const std::string dict = c.no_mutator ? "" : find_dict();
  Campaign run = libfuzzer_campaign(c, fuzzer, env, seed, f, dict);

  const std::set<std::string> before = reproducers_in(f.regressions);
  fmt::print("numguard fuzz: {} for {:g} s, {} job(s), seed {} (rerun: --seed {})\n", c.kernel,
             c.time, c.jobs, seed, seed);
  fmt::print("  fuzzer {}\n  corpus {}  reproducers {}{}\n", fuzzer, f.corpus.string(),
             f.regressions.string(), dict.empty() ? "" : "\n  dictionary " + dict);
  std::fflush(stdout);
  Watch w;
  w.quiet = c.quiet;
  run.on_line = [&w](const std::string& l) { w.line(l); };
  const CampaignResult r = run_campaign(run);
  std::error_code ec;
  if (!r.error.empty()) {
    fs::remove_all(f.artifacts, ec);
    throw UsageError(r.error);
  }
  // The target refused (2, 3), could not be run (127), or ended before libFuzzer said
  // anything: no campaign ran, which is not "no violation found". One line: its last.
  if (r.exit_code == 2 || r.exit_code == 3 || r.exit_code == 127 || (!w.started && !r.killed)) {
    std::string last = "no output";
    for (const std::string& l : w.tail)
      if (!l.empty()) last = l;
    fs::remove_all(f.artifacts, ec);
    throw UsageError(
        fmt::format("{} did not fuzz (exit status {}): {}", fuzzer, r.exit_code, last));
  }
  const std::vector<std::string> found =
      run_reproducers(f, before, w.reported, fuzzer, env, c.kernel);
  fs::remove_all(f.artifacts, ec);

  w.progress(true);
  fmt::print("numguard fuzz: {}: {:.0f} s, {} execs, corpus {} inputs in {}, coverage {}{}\n",
             c.kernel, w.seconds(), w.last.execs, w.last.corpus, f.corpus.string(), w.last.coverage,
             r.killed ? " (killed past the deadline: a hang?)" : "");
  if (found.empty()) {
    fmt::print("numguard fuzz: no violation found\n");
    return kExitOk;
  }
  fmt::print("numguard fuzz: {} violation(s); each reproducer replays with:\n", found.size());
  for (const std::string& p : found) fmt::print("  {}\n", repro_command(p, plugins));
  return kExitFailure;
}

VerbAction setup_fuzz(CLI::App& app) {
  auto c = std::make_shared<FuzzCommand>();
  app.add_option("--kernel", c->kernel,
                 "The kernel to fuzz (a name from numguard list, mutants included; globs allowed)")
      ->type_name("NAME");
  add_plugin_option(app, c->plugins);
  // libFuzzer's -max_total_time is whole seconds: below 1 it would mean "no limit".
  app.add_option("--time", c->time, "Seconds to fuzz (default 60)")
      ->type_name("S")
      ->check(number_in(1, 1e7));
  app.add_option("--jobs", c->jobs,
                 "Parallel workers (libFuzzer's -fork=N; default 1: one process)")
      ->type_name("N")
      ->check(integer_in(1, 1024));
  app.add_option("--corpus", c->corpus,
                 "The campaign's corpus folder, read and grown (default corpus/<kernel>)")
      ->type_name("DIR");
  app.add_option("--regressions", c->regressions,
                 "Where reproducers go, one folder per kernel (default: the corpus folder's "
                 "sibling 'regressions', so corpus/<kernel> -> corpus/regressions/<kernel>/)")
      ->type_name("DIR");
  app.add_option("--seed", c->seed, "libFuzzer's -seed (default: a new one, printed)")
      ->type_name("N")
      ->check(integer_in(1, 0xFFFFFFFFLL));
  app.add_option("--input-timeout", c->input_timeout,
                 "Seconds one input may run before it counts as a hang (default 10)")
      ->type_name("S")
      ->check(number_in(0, 1e6, true));
  app.add_option("--max-len", c->max_len, "Longest input in bytes (default 4096)")
      ->type_name("N")
      ->check(CLI::Range(16, 1 << 20));
  app.add_flag("--keep-going", c->keep_going,
               "Keep fuzzing after a violation until --time (default: stop at the first)");
  app.add_flag("--no-mutator", c->no_mutator,
               "libFuzzer's own mutations only (no float-aware mutator, no dictionary)");
  app.add_flag("--quiet", c->quiet, "No progress lines");
  app.footer(
      "Examples:\n"
      "  numguard fuzz --kernel mutant.sum.fp32.pairwise_wrong_index --time 30\n"
      "  numguard fuzz --plugin build/libmykernels.so --kernel dot.fp16.fp32acc.mine --time 600 "
      "--jobs 8\n"
      "Exit status: 0 no violation found, 1 a violation (reproducers written, repro lines "
      "printed), 2 usage error or numguard-fuzz missing.");
  return [c] { return run_fuzz(*c); };
}

NUMGUARD_REGISTER_VERB({
    .name = "fuzz",
    .summary = "Fuzz a kernel with numguard-fuzz (libFuzzer); reproducers for every violation",
    .setup = setup_fuzz,
});

}  // namespace
}  // namespace numguard::cli
