#include "harness/report/svg_plot.h"

#include <fmt/format.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <regex>
#include <sstream>

namespace numguard::report {
namespace {

// Twelve colours that stay distinct on white (Tableau 10 plus two).
constexpr const char* kPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                                    "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                                    "#bcbd22", "#17becf", "#000000", "#a05d00"};

std::string quoted(const std::string& s) {  // a gnuplot double-quoted string
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

bool plottable(const studies::Plot& p, double x, double y) {
  return std::isfinite(x) && std::isfinite(y) && !(p.logx && x <= 0) && !(p.logy && y <= 0);
}

std::string style_of(const studies::Series& s, size_t index) {
  const char* color = kPalette[(s.color >= 0 ? static_cast<size_t>(s.color) : index) % 12];
  switch (s.style) {
    case studies::LineStyle::dashed:
      return fmt::format("with lines lw 1.5 dt 2 lc rgb '{}'", color);
    case studies::LineStyle::dotted:
      return fmt::format("with lines lw 1.5 dt 3 lc rgb '{}'", color);
    case studies::LineStyle::points:
      return fmt::format("with points pt 7 ps 0.6 lc rgb '{}'", color);
    case studies::LineStyle::solid:
    default:
      return fmt::format("with linespoints lw 2 pt 7 ps 0.5 lc rgb '{}'", color);
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every scratch file of a plot (script, SVG, gnuplot's log) lives in one private folder,
// TMPDIR/numguard-plot-XXXXXX, made when the first of a batch of concurrent renders starts and
// removed when the last one ends. SIGINT or SIGTERM during rendering would otherwise end the
// process with the files left in TMPDIR: while the folder exists, a handler kills the gnuplot
// children, removes every file a render of the batch may have made and the folder, then
// re-raises the signal under its previous disposition. The handler only calls kill, waitpid,
// unlink, rmdir, sigaction and raise (async-signal-safe) and reads lock-free atomics and a
// path written before it is armed.
namespace scratch {

constexpr size_t kMaxDir = 4000;
constexpr const char* kSuffixes[] = {".gp", ".svg", ".log"};
constexpr size_t kMaxChildren = 256;  // gnuplot runs at once (one per rendering thread)

std::mutex g_mu;      // guards g_users and arming/disarming
int g_users = 0;      // renders in progress
char g_dir[kMaxDir];  // the folder, NUL-terminated
volatile sig_atomic_t g_armed = 0;
std::atomic<long> g_issued{0};  // renders numbered 0 .. g_issued-1 in this folder
std::atomic<pid_t> g_children[kMaxChildren];
static_assert(std::atomic<pid_t>::is_always_lock_free && std::atomic<long>::is_always_lock_free,
              "the signal handler reads these atomics");
struct sigaction g_old_int, g_old_term;
bool g_hooked_int = false, g_hooked_term = false;

// g_dir + "/" + i + suffix into out (which holds kMaxDir + 32), without snprintf.
void file_path(char* out, long i, const char* suffix) {
  size_t n = 0;
  for (const char* c = g_dir; *c; ++c) out[n++] = *c;
  out[n++] = '/';
  char digits[24];
  size_t d = 0;
  do {
    digits[d++] = static_cast<char>('0' + i % 10);
    i /= 10;
  } while (i > 0);
  while (d > 0) out[n++] = digits[--d];
  for (const char* c = suffix; *c; ++c) out[n++] = *c;
  out[n] = '\0';
}

extern "C" void remove_scratch_and_reraise(int sig) {
  if (g_armed) {
    for (std::atomic<pid_t>& child : g_children)
      if (const pid_t pid = child.exchange(0); pid > 0) {
        ::kill(pid, SIGKILL);  // it would otherwise write its SVG after the unlinks
        ::waitpid(pid, nullptr, 0);
      }
    char path[kMaxDir + 32];
    const long issued = g_issued.load();
    for (long i = 0; i < issued; ++i)
      for (const char* suffix : kSuffixes) {
        file_path(path, i, suffix);
        ::unlink(path);
      }
    ::rmdir(g_dir);
  }
  ::sigaction(sig, sig == SIGINT ? &g_old_int : &g_old_term, nullptr);
  ::raise(sig);  // blocked until the handler returns, then delivered as before
}

// Installs the handler for sig unless the signal is ignored (a background job's SIGINT).
bool hook(int sig, struct sigaction& old) {
  if (::sigaction(sig, nullptr, &old) != 0 || old.sa_handler == SIG_IGN) return false;
  struct sigaction sa {};
  sa.sa_handler = remove_scratch_and_reraise;
  sigemptyset(&sa.sa_mask);
  return ::sigaction(sig, &sa, nullptr) == 0;
}

// Joins the batch (making the folder if it is the first); returns this render's number.
long acquire() {
  std::lock_guard<std::mutex> lock(g_mu);
  if (g_users == 0) {
    const char* tmp = std::getenv("TMPDIR");
    const std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/numguard-plot-XXXXXX";
    if (tmpl.size() >= kMaxDir) throw PlotError("TMPDIR is too long a path");
    std::memcpy(g_dir, tmpl.c_str(), tmpl.size() + 1);
    g_issued = 0;
    g_hooked_int = hook(SIGINT, g_old_int);
    g_hooked_term = hook(SIGTERM, g_old_term);
    g_armed = 1;  // before mkdtemp: the folder is never there unarmed
    if (!::mkdtemp(g_dir)) {
      const std::string why = std::strerror(errno);
      g_armed = 0;
      if (g_hooked_int) ::sigaction(SIGINT, &g_old_int, nullptr);
      if (g_hooked_term) ::sigaction(SIGTERM, &g_old_term, nullptr);
      throw PlotError("cannot create a temporary folder " + tmpl + ": " + why);
    }
  }
  ++g_users;
  return g_issued++;
}

// Leaves the batch; the last render out removes the (by then empty) folder.
void release() {
  std::lock_guard<std::mutex> lock(g_mu);
  if (--g_users > 0) return;
  ::rmdir(g_dir);
  g_armed = 0;
  if (g_hooked_int) ::sigaction(SIGINT, &g_old_int, nullptr);
  if (g_hooked_term) ::sigaction(SIGTERM, &g_old_term, nullptr);
}

}  // namespace scratch

// One render's scratch files in the batch folder; removes them, and leaves the batch.
struct ScratchFiles {
  std::string script, svg, log;
  ScratchFiles() {
    const long i = scratch::acquire();
    char path[scratch::kMaxDir + 32];
    scratch::file_path(path, i, ".gp");
    script = path;
    scratch::file_path(path, i, ".svg");
    svg = path;
    scratch::file_path(path, i, ".log");
    log = path;
  }
  ~ScratchFiles() {
    for (const std::string* p : {&script, &svg, &log}) ::unlink(p->c_str());
    scratch::release();
  }
  ScratchFiles(const ScratchFiles&) = delete;
  ScratchFiles& operator=(const ScratchFiles&) = delete;
};

// Runs `gnuplot script` with its output on `log`; returns the exit status. The child is
// registered for the signal handler above with SIGINT and SIGTERM blocked, so that a signal
// cannot fall between the fork and the registration.
int run_gnuplot(const std::string& script, const std::string& log) {
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &block, &old);
  const pid_t pid = fork();
  if (pid == 0) {
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    std::FILE* f = std::freopen(log.c_str(), "w", stderr);
    (void)f;
    std::FILE* o = std::freopen("/dev/null", "w", stdout);
    (void)o;
    execlp("gnuplot", "gnuplot", script.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  std::atomic<pid_t>* slot = nullptr;
  if (pid > 0)
    for (std::atomic<pid_t>& child : scratch::g_children) {
      pid_t none = 0;
      if (child.compare_exchange_strong(none, pid)) {
        slot = &child;
        break;
      }
    }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (pid < 0) return -1;
  int status = 0;
  pid_t done = 0;
  while ((done = waitpid(pid, &status, 0)) < 0 && errno == EINTR) {
  }
  if (slot) slot->store(0);
  if (done < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

std::string gnuplot_script(const studies::Plot& p, const std::string& svg_path) {
  std::string s;
  s += "set terminal svg size 900,500 dynamic enhanced font 'Helvetica,12' background "
       "rgb 'white'\n";
  s += "set output " + quoted(svg_path) + "\n";
  s += "set encoding utf8\nset grid lc rgb '#dddddd'\n";
  s += "set key outside right top vertical Left reverse noenhanced font ',10' spacing 1.1\n";
  s += "set title " + quoted(p.title) + " noenhanced\n";
  s += "set xlabel " + quoted(p.xlabel) + " noenhanced\n";
  s += "set ylabel " + quoted(p.ylabel) + " noenhanced\n";
  if (p.logx) s += "set logscale x 10\nset format x '10^{%L}'\n";
  if (p.logy) s += "set logscale y 10\nset format y '10^{%L}'\n";
  // A fixed end of the y axis; none at or below 0 on a log axis.
  auto end = [&](double v) {
    return std::isfinite(v) && !(p.logy && v <= 0) ? fmt::format("{}", v) : std::string("*");
  };
  if (end(p.ymin) != "*" || end(p.ymax) != "*")
    s += fmt::format("set yrange [{}:{}]\n", end(p.ymin), end(p.ymax));
  std::vector<std::string> parts;
  for (size_t i = 0; i < p.series.size(); ++i) {
    const studies::Series& ser = p.series[i];
    std::string block = fmt::format("$d{} << EOD\n", i);
    int points = 0;
    for (size_t j = 0; j < ser.x.size() && j < ser.y.size(); ++j)
      if (plottable(p, ser.x[j], ser.y[j])) {
        block += fmt::format("{:.17g} {:.17g}\n", ser.x[j], ser.y[j]);
        ++points;
      }
    block += "EOD\n";
    if (points == 0) continue;  // nothing to draw: keep it out of the legend too
    s += block;
    parts.push_back(
        fmt::format("$d{} using 1:2 {} title {}", i, style_of(ser, i), quoted(ser.label)));
  }
  if (parts.empty()) {
    s += "unset key\nset xrange [0:1]\nset yrange [0:1]\nunset logscale\n";
    s += "set label 1 'no finite data to plot' at 0.5,0.5 center\nplot NaN notitle\n";
    return s;
  }
  s += "plot ";
  for (size_t i = 0; i < parts.size(); ++i) s += (i ? ", \\\n     " : "") + parts[i];
  s += "\n";
  return s;
}

std::string render_svg(const studies::Plot& p) {
  const ScratchFiles files;
  {
    std::ofstream out(files.script);
    out << gnuplot_script(p, files.svg);
    if (!out) throw PlotError("cannot write " + files.script);
  }
  const int status = run_gnuplot(files.script, files.log);
  if (status == 127) throw PlotError("gnuplot not found (install gnuplot-nox: ci/setup does)");
  if (status != 0) {
    std::string why = read_file(files.log);
    if (why.size() > 400) why = "..." + why.substr(why.size() - 400);  // the error comes last
    throw PlotError(fmt::format("gnuplot failed on plot '{}' (status {}): {}", p.id, status, why));
  }
  std::string doc = read_file(files.svg);
  const size_t begin = doc.find("<svg");
  if (begin == std::string::npos) throw PlotError("gnuplot wrote no SVG for plot '" + p.id + "'");
  doc = doc.substr(begin);
  // Inline SVGs share the page's id space: prefix every id and every reference to one.
  doc = std::regex_replace(doc, std::regex(R"(id=(['"]))"), "id=$1" + p.id + "-");
  doc = std::regex_replace(doc, std::regex(R"((href=['"]|url\()#)"), "$1#" + p.id + "-");
  return doc;
}

}  // namespace numguard::report
