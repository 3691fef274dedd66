// numguard convert: round values into a format the way the harness does, and show the result
// as the shortest round-trip decimal, hex float, bits and error in ulps. Values come from the
// command line, or one per line from stdin (batch mode).
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "harness/cli/convert_mx.h"
#include "harness/cli/convert_output.h"
#include "harness/cli/convert_value.h"
#include "harness/cli/format_options.h"
#include "harness/cli/seed_option.h"
#include "harness/cli/verb.h"

namespace numguard::cli {
namespace {

struct ConvertOptions {
  ConvertSettings settings;
  bool to_given = false;
  std::string mx;  // --mx: a block-scaled format
  mx::ScaleRule rule = mx::ScaleRule::spec;
  bool json = false;
  bool seed_given = false;
  std::vector<std::string> values;
};

// Large writes: batch mode's speed is bounded by formatting, not by write calls.
constexpr size_t kFlushAt = 1 << 16;

void flush(fmt::memory_buffer& out) {
  std::fwrite(out.data(), 1, out.size(), stdout);
  out.clear();
}

// Quotes the offending text for a one-line message: shortened, so that a pasted megabyte
// stays readable, and with bytes that are not printable ASCII shown as \xNN.
std::string quoted(std::string_view text) {
  constexpr size_t kMax = 60;
  std::string q = "'";
  for (const char ch : text.substr(0, kMax)) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7f)
      q += ch;
    else
      q += fmt::format("\\x{:02x}", c);
  }
  return q + (text.size() > kMax ? "...'" : "'");
}

class ConvertRun {
 public:
  explicit ConvertRun(const ConvertOptions& o) : o_(o), converter_(o.settings) {}

  // Converts one value; in batch mode (line != 0) blank lines and # comments are skipped.
  void value(std::string_view raw, size_t line) {
    if (raw.size() > kMaxValueBytes) {
      too_long(raw, line);
      return;
    }
    const std::string_view text = trim(raw);
    if (line != 0 && (text.empty() || text.front() == '#')) return;
    const Conversion c = converter_.convert(text);
    if (c.error) {
      flush(out_);
      std::fflush(stdout);
      if (line != 0)
        fmt::print(stderr, "numguard convert: line {}: {}: {}\n", line, quoted(text), c.error);
      else
        fmt::print(stderr, "numguard convert: {}: {}\n", quoted(text), c.error);
      ++bad_;
      return;
    }
    if (o_.json)
      append_json(out_, text, o_.settings, c);
    else
      append_text(out_, text, o_.settings, c);
    if (out_.size() >= kFlushAt) flush(out_);
  }

  // A value over kMaxValueBytes: reported and skipped like an unparsable one. `start` is what
  // was kept of it (stdin keeps none: the rest of the line is never stored).
  void too_long(std::string_view start, size_t line) {
    flush(out_);
    std::fflush(stdout);
    const std::string what =
        fmt::format("longer than {} bytes, the limit of one value", kMaxValueBytes);
    if (line != 0)
      fmt::print(stderr, "numguard convert: line {}: {}\n", line, what);
    else
      fmt::print(stderr, "numguard convert: {}: {}\n", quoted(start), what);
    ++bad_;
  }

  int finish() {
    flush(out_);
    std::fflush(stdout);
    return bad_ == 0 ? kExitOk : kExitUsage;
  }

 private:
  const ConvertOptions& o_;
  Converter converter_;
  fmt::memory_buffer out_;
  size_t bad_ = 0;
};

// Hands each line of stdin to the run, reading in blocks: a line is kept only up to
// kMaxValueBytes (a longer one is reported without being stored, then skipped to its end), so
// the memory used is bounded whatever stdin holds: never all of it, never one huge line.
void convert_stdin(ConvertRun& run) {
  std::vector<char> block(size_t{1} << 16);
  std::string line;
  bool pending = false;   // bytes seen since the last newline
  bool too_long = false;  // the current line passed kMaxValueBytes
  size_t number = 0;
  const auto finish_line = [&] {
    ++number;
    if (too_long)
      run.too_long({}, number);
    else
      run.value(line, number);
    line.clear();
    pending = too_long = false;
  };
  for (;;) {
    // read(2), not fread: a line typed at a terminal is taken as soon as it is there.
    const ssize_t got = ::read(STDIN_FILENO, block.data(), block.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw UsageError(fmt::format("cannot read stdin: {}", std::strerror(errno)));
    if (got == 0) break;
    const auto n = static_cast<size_t>(got);
    for (size_t i = 0; i < n;) {
      const char* start = block.data() + i;
      const auto* nl = static_cast<const char*>(std::memchr(start, '\n', n - i));
      const size_t len = nl ? static_cast<size_t>(nl - start) : n - i;
      pending = pending || len > 0;
      if (!too_long && line.size() + len > kMaxValueBytes) {
        too_long = true;
        line.clear();
      }
      if (!too_long) line.append(start, len);
      i += len;
      if (nl) {
        finish_line();
        ++i;
      }
    }
  }
  if (pending) finish_line();  // a last line without a newline
}

int run_convert(const ConvertOptions& o) {
  if (!o.mx.empty()) {
    const mx::BlockFormat* f = mx::find_block_format(o.mx);
    if (!f) {
      std::string known;
      for (const mx::BlockFormat& b : mx::block_formats())
        known += (known.empty() ? "" : ", ") + std::string(b.name);
      throw UsageError(fmt::format("--mx {}: unknown block format ({})", o.mx, known));
    }
    if (o.to_given) throw UsageError("--mx names the formats: drop --to");
    return run_convert_mx(*f, o.rule, o.values, o.json);
  }
  if (!o.to_given) throw UsageError("give --to FORMAT (or --mx BLOCKFORMAT)");
  if (o.seed_given && o.settings.mode != Rounding::sr)
    throw UsageError("--seed applies only to --mode sr");
  if (o.settings.mode == Rounding::sr && !o.seed_given)
    fmt::print(stderr, "numguard convert: stochastic rounding with the default seed {}\n",
               o.settings.seed);

  // An unparsable value is reported and skipped, and the exit status says so; the other
  // values are still converted (nothing is lost from a long batch).
  ConvertRun run(o);
  if (!o.values.empty()) {
    for (const std::string& v : o.values) run.value(v, 0);
    return run.finish();
  }
  // A folder given as stdin reads as empty: say so rather than convert nothing and exit 0.
  struct stat st {};
  if (fstat(STDIN_FILENO, &st) == 0 && S_ISDIR(st.st_mode))
    throw UsageError("stdin is a directory: give values, or one per line on stdin");
  convert_stdin(run);
  return run.finish();
}

VerbAction setup_convert(CLI::App& app) {
  auto o = std::make_shared<ConvertOptions>();
  add_format_option(app, "--to", o->settings.to, "Target format")->each([o](const std::string&) {
    o->to_given = true;
  });
  app.add_option("--mx", o->mx,
                 "Quantize the values as one tensor into a block-scaled format: mxfp8_e4m3, "
                 "mxfp8_e5m2, mxfp6_e3m2, mxfp6_e2m3, mxfp4 (E8M0 scale per 32), nvfp4 (UE4M3 "
                 "per 16 and a tensor scale)");
  app.add_option_function<std::string>(
      "--scale-rule",
      [o](const std::string& s) {
        const auto r = mx::scale_rule_from_name(s);
        if (!r) throw CLI::ValidationError("--scale-rule", "spec or up, not " + s);
        o->rule = *r;
      },
      "--mx: 'spec' (OCP's floor, NVFP4's nearest: may saturate) or 'up' (never saturates)");
  add_format_option(app, "--from", o->settings.from,
                    "Source format: 0x-prefixed hex integers are then its raw bits, and other "
                    "values are first rounded into it (RNE)");
  add_rounding_option(app, "--mode", o->settings.mode, "Rounding mode, default rne");
  app.add_option_function<uint64_t>(
         "--seed",
         [o](const uint64_t& s) {
           o->settings.seed = s;
           o->seed_given = true;
         },
         "Seed of --mode sr (default 0); the same seed and inputs give the same results")
      ->type_name("S")
      ->check(seed_problem);
  app.add_flag("--ftz", o->settings.ftz, "Flush subnormal results to zero");
  app.add_flag("--saturate", o->settings.saturate,
               "Overflow to the largest finite value instead of inf (or NaN for e4m3)");
  app.add_flag("--json", o->json, "One JSON object per line");
  app.add_option("values", o->values,
                 "Values: decimal (0.1, -3e-8), hex float (0x1.8p-3), inf, nan, or raw bits "
                 "(0x3c00) with --from. None: read one per line from stdin")
      ->type_name("VALUE");
  app.footer(
      "Examples:\n"
      "  numguard convert --to bf16 0.26914\n"
      "  numguard convert --to fp16 --mode rz --json 65519.99 3e-8\n"
      "  numguard convert --from fp16 --to fp32 0x3c00\n"
      "  seq 1 100 | numguard convert --to e4m3 --saturate\n"
      "Exit status: 0 ok, 2 usage error or unparsable value (reported per value, the rest "
      "are still converted).");
  return [o] { return run_convert(*o); };
}

NUMGUARD_REGISTER_VERB({
    .name = "convert",
    .summary = "Round values into a format; print shortest decimal, hex float, bits, ulp error",
    .setup = setup_convert,
});

}  // namespace
}  // namespace numguard::cli
