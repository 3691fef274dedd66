// Random command lines for the built numguard executable (issue 18, "Hardening"): verbs from
// `numguard --help`, each verb's options from `numguard VERB --help` plus garbage ones, values
// from numbers to NaN, 2^64, empty strings, newlines, very long strings and glob characters.
// Each run is a child (posix_spawn, in a scratch folder, stdin from /dev/null, stdout and
// stderr to files) under a watchdog. Property: the process exits by itself (no signal, no
// hang) with 0, 1, 2 or 3, and a usage error (2) is one line on stderr, as README.md promises
// scripts. The one documented exception: convert reports each unparsable value on a line of
// its own, so there every line must be one of its own messages.
//
// Runs stay cheap: check gets --cases 1 --threads 1 and one kernel, report a tiny quick run of
// one kernel, fuzz runs /bin/true as its libFuzzer binary (NUMGUARD_FUZZ_BINARY: options are
// parsed and checked, the corpus folder made, the campaign ends at once), and a verb reading
// stdin reads /dev/null.
// RapidCheck's seed is fixed by RC_PARAMS in CMake; a failure prints the string to replay it.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

namespace fs = std::filesystem;

// A run past this is a hang: every command line below is sub-second work.
constexpr double kWatchdogSeconds = 20;

struct Run {
  bool timed_out = false;
  bool signaled = false;
  int signal = 0;
  int status = -1;
  std::string out, err;
};

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A folder of this test's own, removed at exit: verbs may write (report --out, fuzz --corpus),
// always relative to it.
const fs::path& scratch() {
  static const fs::path dir = [] {
    std::string t = (fs::temp_directory_path() / "numguard-cli-argv-XXXXXX").string();
    if (!mkdtemp(t.data())) std::abort();
    return fs::path(t);
  }();
  static const struct Cleanup {
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  } cleanup;
  return dir;
}

const std::string& numguard_binary() {
  static const std::string path = [] {
    const char* p = std::getenv("NUMGUARD_BINARY");
    return std::string(p ? p : "");
  }();
  return path;
}

Run run(const std::vector<std::string>& args) {
  static int serial = 0;
  const fs::path work = scratch() / ("run" + std::to_string(serial++));
  fs::create_directories(work / "cwd");
  const std::string out = (work / "stdout").string(), err = (work / "stderr").string();

  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e)
    if (!std::string_view(*e).starts_with("NUMGUARD_FUZZ_BINARY=")) env_strings.push_back(*e);
  env_strings.push_back("NUMGUARD_FUZZ_BINARY=/bin/true");
  std::vector<char*> envp;
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);

  std::vector<std::string> argv_strings = {numguard_binary()};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addchdir_np(&fa, (work / "cwd").c_str());
  // Its own process group, so that the watchdog also ends what it started.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &fa, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) throw std::runtime_error(std::string("posix_spawn: ") + std::strerror(rc));

  Run r;
  int status = 0;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::duration<double>(kWatchdogSeconds);
  for (;;) {
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) throw std::runtime_error("waitpid failed");
    if (std::chrono::steady_clock::now() > deadline) {
      r.timed_out = true;
      kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (WIFSIGNALED(status)) {
    r.signaled = true;
    r.signal = WTERMSIG(status);
  } else if (WIFEXITED(status)) {
    r.status = WEXITSTATUS(status);
  }
  r.out = read_file(out);
  r.err = read_file(err);
  std::error_code ec;
  fs::remove_all(work, ec);  // report folders and corpora do not pile up
  return r;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

// The verb list as `numguard --help` prints it (CLI11: a "Subcommands:" section, one verb a
// line, indented), and each verb's options from its own --help ("Options:"): "  --name TYPE"
// takes a value, "  --name      Description" is a flag. Read from the binary, so the list is
// the real one.
struct Option {
  std::string name;
  bool takes_value = false;
};
using VerbOptions = std::map<std::string, std::vector<Option>>;

std::vector<std::string> section(const std::string& help, const std::string& title) {
  std::vector<std::string> out;
  bool in = false;
  for (const std::string& l : lines_of(help)) {
    if (!l.empty() && l[0] != ' ')
      in = l == title + ":";
    else if (in && !l.empty())
      out.push_back(l);
  }
  return out;
}

const VerbOptions& verbs() {
  static const VerbOptions table = [] {
    VerbOptions t;
    const Run top = run({"--help"});
    for (const std::string& l : section(top.out, "Subcommands")) {
      std::istringstream words(l);
      std::string verb;
      words >> verb;
      if (verb.empty() || verb.starts_with("-")) continue;
      std::vector<Option>& opts = t[verb];
      for (const std::string& o : section(run({verb, "--help"}).out, "Options")) {
        std::istringstream w(o);
        std::string names, type;
        w >> names;
        // "-h,--help" or "--to": the long name; then a TYPE word in capitals when it takes one.
        const size_t dashdash = names.rfind("--");
        if (dashdash == std::string::npos) continue;
        Option opt{names.substr(dashdash), false};
        if (w >> type)
          opt.takes_value = !type.empty() && std::isupper(static_cast<unsigned char>(type[0])) &&
                            o.find(names + " " + type) != std::string::npos;
        opts.push_back(opt);
      }
    }
    return t;
  }();
  return table;
}

// Values every option and operand may receive.
std::vector<std::string> odd_values() {
  return {"0",
          "1",
          "2",
          "0.5",
          "8",
          "-1",
          "1e-3",
          "nan",
          "inf",
          "-inf",
          "18446744073709551616",  // 2^64
          "9223372036854775808",   // 2^63
          "",
          "a\nb",
          "fp16\n",
          std::string(3000, 'x'),
          "*",
          "?",
          "[",
          "[a-z]*",
          "sum.*",
          "*fp16*,gemm.?p32*",
          "fp16",
          "bf16",
          "e4m3",
          "rne",
          "sr",
          "cpu",
          "cuda",
          "sum",
          "gemm",
          "0x3c00",
          "--",
          "-"};
}

std::vector<std::string> garbage_options() {
  return {"--nope", "-x",         "--",         "-",      "---", "--=",
          "--to=",  "--kernel=*", "--cases=-1", "--help", "-h",  "--version"};
}

// What keeps each verb's run short, added after the random part (an option given twice is a
// usage error, which is fine: the property holds for it too).
std::vector<std::string> limits(const std::string& verb) {
  if (verb == "check")
    return {"--cases", "1", "--threads", "1", "--kernel", "sum.fp32.fp32acc.sequential"};
  if (verb == "report")
    return {"--quick",    "--threads", "1",       "--kernel", "sum.fp32.fp32acc.sequential",
            "--sections", "range",     "--depth", "2",        "--width",
            "4",          "--out",     "report"};
  if (verb == "fuzz") return {"--time", "1"};
  return {};
}

// A uniform choice in [lo, hi): rc::gen::inRange narrows its range at small sizes (half of
// the runs), and each choice here should see all of its range in every run.
size_t choose(size_t lo, size_t hi) {
  return *rc::gen::resize(rc::kNominalSize, rc::gen::inRange(lo, hi));
}

template <class T>
const T& pick(const std::vector<T>& v) {
  return v[choose(0, v.size())];
}

rc::Gen<std::vector<std::string>> gen_argv() {
  std::vector<std::string> names;
  for (const auto& [verb, opts] : verbs()) names.push_back(verb);
  return rc::gen::exec([names] {
    static const std::vector<std::string> values = odd_values(), garbage = garbage_options();
    static const std::vector<std::string> not_verbs = {"nope", "CHECK", "check2"};
    static const std::vector<Option> no_options;
    std::vector<std::string> argv;
    // Mostly a real verb; sometimes an unknown one, or none (options or values come first).
    const size_t verb_kind = choose(0, 10);
    std::string verb;
    if (verb_kind < 8) {
      verb = pick(names);
      argv.push_back(verb);
    } else if (verb_kind == 8) {
      argv.push_back(pick(not_verbs));
    }
    const std::vector<Option>& opts = verb.empty() ? no_options : verbs().at(verb);
    for (size_t i = 0, tokens = choose(0, 6); i < tokens; ++i) {
      const size_t kind = choose(0, 10);
      if (kind < 6 && !opts.empty()) {
        const Option& o = pick(opts);
        if (o.name == "--help") continue;  // prints help and exits 0: nothing else is tested
        argv.push_back(o.name);
        // A value where one is expected, sometimes none (the next option follows instead).
        if (o.takes_value && choose(0, 8) != 0) argv.push_back(pick(values));
      } else if (kind < 8) {
        argv.push_back(pick(values));  // an operand (convert's values, repro's paths)
      } else {
        argv.push_back(pick(garbage));
      }
    }
    for (std::string& l : limits(verb)) argv.push_back(std::move(l));
    return argv;
  });
}

std::string describe(const std::vector<std::string>& argv, const Run& r) {
  std::string s = "numguard";
  for (const std::string& a : argv) {
    std::string shown;
    for (char c : a.substr(0, 80)) shown += c == '\n' ? std::string("\\n") : std::string(1, c);
    s += " '" + shown + (a.size() > 80 ? "...(" + std::to_string(a.size()) + " chars)" : "") + "'";
  }
  s += r.timed_out  ? "\n  hung (killed after the watchdog)"
       : r.signaled ? "\n  killed by signal " + std::to_string(r.signal)
                    : "\n  exit " + std::to_string(r.status);
  s += "\n  stderr: " + r.err.substr(0, 2000);
  return s;
}

// Whether stderr is what a usage error (exit 2) may print.
bool usage_stderr_ok(const std::vector<std::string>& argv, const std::string& err) {
  if (err.empty() || err.back() != '\n') return false;
  const std::vector<std::string> lines = lines_of(err);
  const bool convert = !argv.empty() && argv[0] == "convert";
  if (!convert) return lines.size() == 1;
  for (const std::string& l : lines)
    if (!l.starts_with("numguard convert: ") && !l.starts_with("numguard: ")) return false;
  return true;
}

TEST(CliArgv, VerbTableComesFromTheBinary) {
  ASSERT_FALSE(numguard_binary().empty()) << "NUMGUARD_BINARY is not set (CMake sets it)";
  const VerbOptions& t = verbs();
  ASSERT_GE(t.size(), 8u) << "numguard --help lists fewer verbs than expected";
  for (const char* verb : {"check", "convert", "list", "ops", "repro"}) {
    ASSERT_TRUE(t.count(verb)) << verb;
    EXPECT_FALSE(t.at(verb).empty()) << verb << " lists no options";
  }
  bool to_takes_value = false;
  for (const Option& o : t.at("convert"))
    if (o.name == "--to") to_takes_value = o.takes_value;
  EXPECT_TRUE(to_takes_value) << "convert --to was not read as an option with a value";
  EXPECT_FALSE(odd_values().empty());
  EXPECT_FALSE(garbage_options().empty());
}

RC_GTEST_PROP(CliArgv, ExitsNormallyWithADocumentedStatus, ()) {
  const std::vector<std::string> argv = *gen_argv();
  const Run r = run(argv);
  RC_TAG(!argv.empty() && verbs().count(argv[0]) ? argv[0] : std::string("(no verb)"));
  if (r.timed_out || r.signaled) RC_FAIL(describe(argv, r));
  if (r.status < 0 || r.status > 3) RC_FAIL(describe(argv, r));
  if (r.status == 2 && !usage_stderr_ok(argv, r.err))
    RC_FAIL("a usage error that is not one line on stderr: " + describe(argv, r));
}

}  // namespace
