#include "harness/engine/reproducer_file.h"

#include <fmt/format.h>

#include <bit>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <sstream>
#include <vector>

#include "harness/core/printable.h"
#include "harness/engine/op.h"

namespace numguard {
namespace {

constexpr int64_t kMaxDim = kReproducerMaxDim;
constexpr int64_t kMaxElements = kReproducerMaxOperandElements;
constexpr int kPerLine = 16;
// The most words one line may hold: a whole operand on one line (a hand-edited file), or the
// key and an integer per row. Bounds the word list a line of a huge file would build.
constexpr size_t kMaxWords = static_cast<size_t>(kMaxElements) + 1;

// "2^22" for a limit that is a power of two, shorter to read than its digits.
std::string power_text(int64_t v) {
  return fmt::format("2^{}", std::countr_zero(static_cast<uint64_t>(v)));
}

// a * b <= limit, for a, b >= 0, without overflowing.
bool product_within(int64_t a, int64_t b, int64_t limit) {
  return a == 0 || b == 0 || a <= limit / b;
}

std::string number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return fmt::format("{}", v);  // shortest decimal that reads back to v
}

void put_tensor(std::string& out, char name, const Tensor& t) {
  if (t.empty()) return;
  out += fmt::format("tensor {} {}", name, numguard::name(t.format));
  for (int64_t d : t.shape) out += fmt::format(" {}", d);
  const int digits = (desc(t.format).storage_bits + 3) / 4;
  for (size_t i = 0; i < t.size(); ++i)
    out += fmt::format("{}{:0{}x}", i % kPerLine == 0 ? "\n" : " ", t.bits[i], digits);
  out += '\n';
}

// The words of a line; at most kMaxWords + 1 (the caller refuses a line with more).
std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> w;
  size_t i = 0;
  while (i < line.size() && w.size() <= kMaxWords) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    const size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > start) w.push_back(line.substr(start, i - start));
  }
  return w;
}

bool to_int(std::string_view s, int64_t& v) {
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size();
}

bool to_double(std::string_view s, double& v) {
  if (s == "nan" || s == "-nan") {
    v = s[0] == '-' ? -std::numeric_limits<double>::quiet_NaN()
                    : std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (s == "inf" || s == "-inf") {
    v = s[0] == '-' ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
    return true;
  }
  // strtod on a terminated copy: libc++ before LLVM 20 has no floating-point from_chars
  // (the OSS-Fuzz build uses libc++). numguard never calls setlocale, so this is the C locale.
  const std::string copy(s);
  char* end = nullptr;
  v = std::strtod(copy.c_str(), &end);  // ERANGE for subnormals is fine: they are exact
  return !copy.empty() && end == copy.c_str() + copy.size() &&
         !std::isspace(static_cast<unsigned char>(copy[0]));
}

bool to_bits(std::string_view s, uint64_t& v) {
  if (s.starts_with("0x") || s.starts_with("0X")) s.remove_prefix(2);
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
  return !s.empty() && ec == std::errc() && p == s.data() + s.size();
}

// Thrown by Parser::next for a line with too many words; its message is already in error.
struct LineTooLong {};

// Reads the text one line at a time: a file of millions of short lines never becomes a list
// of millions of views.
struct Parser {
  std::string_view text;
  size_t pos = 0;         // where the next line starts (past the end: no more lines)
  size_t at = 0;          // the current line's number
  std::string_view line;  // the current line
  std::string error;
  int64_t elements = 0;  // operand elements so far, against kReproducerMaxCaseElements

  // The message names the line; words from the file may hold control characters (escape
  // sequences), shown as \xNN so that the message stays one line.
  bool fail(const std::string& what) {
    error = printable(fmt::format("line {}: {}", at, what));
    return false;
  }
  // The next non-comment, non-blank line's words; empty at the end.
  std::vector<std::string_view> next() {
    while (pos <= text.size()) {
      const size_t nl = text.find('\n', pos);
      const size_t end = nl == std::string_view::npos ? text.size() : nl;
      line = text.substr(pos, end - pos);
      pos = end + 1;
      ++at;
      if (line.starts_with('#')) continue;
      std::vector<std::string_view> w = words(line);
      if (w.size() > kMaxWords) {
        fail(fmt::format("more than {} words on one line", kMaxWords));
        throw LineTooLong{};
      }
      if (!w.empty()) return w;
    }
    return {};
  }
  // The rest of the current line after its first word (free text fields).
  std::string rest(std::string_view key) const {
    std::string_view l = line;
    l.remove_prefix(std::min(l.size(), l.find(key) + key.size()));
    while (!l.empty() && (l.front() == ' ' || l.front() == '\t')) l.remove_prefix(1);
    while (!l.empty() && (l.back() == ' ' || l.back() == '\r')) l.remove_suffix(1);
    return std::string(l);
  }
};

bool parse_tensor(Parser& ps, const std::vector<std::string_view>& w, Problem& p) {
  if (w.size() < 4) return ps.fail("want: tensor a|b|c|d FORMAT DIM...");
  if (w[1].size() != 1 || w[1][0] < 'a' || w[1][0] > 'd')
    return ps.fail(fmt::format("unknown operand '{}' (a, b, c or d)", w[1]));
  Tensor* slots[] = {&p.a, &p.b, &p.c, &p.d};
  Tensor& t = *slots[w[1][0] - 'a'];
  if (!t.shape.empty()) return ps.fail(fmt::format("operand {} given twice", w[1]));
  const std::optional<Format> f = format_from_name(w[2]);
  if (!f || *f == Format::fp64) return ps.fail(fmt::format("unknown format '{}'", w[2]));
  std::vector<int64_t> shape;
  int64_t count = 1;
  for (size_t i = 3; i < w.size(); ++i) {
    int64_t d = 0;
    if (!to_int(w[i], d) || d < 1 || d > kMaxDim)
      return ps.fail(fmt::format("bad dimension '{}' (1 .. {})", w[i], power_text(kMaxDim)));
    if (!product_within(count, d, kMaxElements))
      return ps.fail(
          fmt::format("operand {} has more than {} elements", w[1], power_text(kMaxElements)));
    count *= d;
    shape.push_back(d);
  }
  // Checked before the tensor is allocated, like every size the file declares.
  if (count > kReproducerMaxCaseElements - ps.elements)
    return ps.fail(fmt::format("the operands together have more than {} elements",
                               power_text(kReproducerMaxCaseElements)));
  ps.elements += count;
  t = Tensor(*f, shape);
  const uint64_t mask = desc(*f).storage_mask();
  size_t filled = 0;
  while (filled < t.size()) {
    const std::vector<std::string_view> v = ps.next();
    if (v.empty())
      return ps.fail(fmt::format("operand {}: {} of {} elements before the end of the file", w[1],
                                 filled, t.size()));
    for (std::string_view s : v) {
      uint64_t b = 0;
      if (!to_bits(s, b) || (b & ~mask) != 0)
        return ps.fail(fmt::format("operand {}: '{}' is not a {}-bit {} pattern in hex", w[1], s,
                                   desc(*f).storage_bits, name(*f)));
      if (filled == t.size())
        return ps.fail(fmt::format("operand {}: more than {} elements", w[1], t.size()));
      t.bits[filled++] = b;
    }
  }
  return true;
}

bool parse(Parser& ps, Reproducer& r) {
  std::vector<std::string_view> w = ps.next();
  int64_t version = 0;
  if (w.size() != 2 || w[0] != "numguard-reproducer" || !to_int(w[1], version))
    return ps.fail("not a numguard reproducer (the first line must be 'numguard-reproducer 1')");
  if (version != kReproducerVersion)
    return ps.fail(fmt::format("reproducer version {}; this numguard reads version {}", version,
                               kReproducerVersion));
  Problem& p = r.problem;
  bool shape = false, end = false;
  while (!end) {
    w = ps.next();
    if (w.empty()) return ps.fail("the file ends without an 'end' line (truncated?)");
    const std::string_view key = w[0];
    if (key == "end") {
      end = true;
    } else if (key == "kernel" || key == "op") {
      if (w.size() != 2) return ps.fail(fmt::format("want: {} NAME", key));
      (key == "kernel" ? r.kernel : r.op) = std::string(w[1]);
    } else if (key == "plugin" || key == "found") {
      (key == "plugin" ? r.plugin : r.found) = ps.rest(key);
    } else if (key == "shape") {
      int64_t d[3] = {};
      for (int i = 0; i < 3; ++i) {
        if (w.size() != 4 || !to_int(w[1 + i], d[i]) || d[i] < 0)
          return ps.fail(fmt::format("want: shape M N K (integers 0 .. {})", power_text(kMaxDim)));
        if (d[i] > kMaxDim)
          return ps.fail(fmt::format("shape: {} = {} is more than the {} a reproducer may declare",
                                     "mnk"[i], d[i], power_text(kMaxDim)));
      }
      // m x n is the output's size for most ops (attention's scores): refused here, before
      // the op is known; operand_mismatch checks each op's own output and operands.
      if (!product_within(d[0], d[1], kMaxElements))
        return ps.fail(fmt::format("shape: m x n = {} x {} is more than {} output elements", d[0],
                                   d[1], power_text(kMaxElements)));
      p.m = d[0], p.n = d[1], p.k = d[2];
      shape = true;
    } else if (key == "alpha" || key == "beta") {
      if (w.size() != 2 || !to_double(w[1], key == "alpha" ? p.alpha : p.beta))
        return ps.fail(fmt::format("want: {} NUMBER", key));
    } else if (key == "lengths") {
      p.lengths.clear();
      for (size_t i = 1; i < w.size(); ++i)
        if (int64_t v = 0; to_int(w[i], v))
          p.lengths.push_back(v);
        else
          return ps.fail(fmt::format("lengths: '{}' is not an integer", w[i]));
    } else if (key == "scalars") {
      p.scalars.clear();
      for (size_t i = 1; i < w.size(); ++i)
        if (double v = 0; to_double(w[i], v))
          p.scalars.push_back(v);
        else
          return ps.fail(fmt::format("scalars: '{}' is not a number", w[i]));
    } else if (key == "tensor") {
      if (!parse_tensor(ps, w, p)) return false;
    } else {
      return ps.fail(fmt::format("unknown field '{}'", key));
    }
  }
  if (!ps.next().empty()) return ps.fail("content after the 'end' line");
  if (r.kernel.empty()) return ps.fail("no 'kernel' line");
  if (!shape) return ps.fail("no 'shape' line");
  return true;
}

}  // namespace

std::string format_reproducer(const Reproducer& r) {
  const Problem& p = r.problem;
  std::string out = fmt::format("numguard-reproducer {}\n", kReproducerVersion);
  out += "# replay: numguard repro FILE (docs/FUZZING.md, \"Reproducer files\")\n";
  out += fmt::format("kernel {}\n", r.kernel);
  if (!r.op.empty()) out += fmt::format("op {}\n", r.op);
  if (!r.plugin.empty()) out += fmt::format("plugin {}\n", r.plugin);
  if (!r.found.empty()) out += fmt::format("found {}\n", r.found);
  out += fmt::format("shape {} {} {}\nalpha {}\nbeta {}\n", p.m, p.n, p.k, number(p.alpha),
                     number(p.beta));
  if (!p.lengths.empty()) out += fmt::format("lengths {}\n", fmt::join(p.lengths, " "));
  if (!p.scalars.empty()) {
    out += "scalars";
    for (double s : p.scalars) out += fmt::format(" {}", number(s));
    out += '\n';
  }
  put_tensor(out, 'a', p.a);
  put_tensor(out, 'b', p.b);
  put_tensor(out, 'c', p.c);
  put_tensor(out, 'd', p.d);
  return out + "end\n";
}

std::optional<Reproducer> parse_reproducer(std::string_view text, std::string* error) {
  Parser ps;
  ps.text = text;
  Reproducer r;
  bool parsed = false;
  try {
    parsed = parse(ps, r);
  } catch (const LineTooLong&) {
    parsed = false;
  }
  if (!parsed) {
    if (error) *error = ps.error;
    return std::nullopt;
  }
  return r;
}

std::string repro_command(const std::string& path, const std::vector<std::string>& plugins) {
  std::string cmd = "numguard repro " + path;
  for (const std::string& p : plugins) cmd += " --plugin " + p;
  return cmd;
}

namespace {

// Why the op's operands or output for p's shape exceed the reproducer limits ("" when they
// do not), in overflow-safe arithmetic: p may come from a file with any dimensions.
std::string size_problem(const OpSchema& schema, const Problem& p) {
  for (int64_t d : {p.m, p.n, p.k})
    if (d < 0 || d > kMaxDim)
      return fmt::format("shape m={} n={} k={}: each must be in 0 .. {}", p.m, p.n, p.k,
                         power_text(kMaxDim));
  for (const Operand& o : schema.operands) {
    int64_t count = 1;
    for (Dim d : o.shape) {
      if (!product_within(count, value(d, p), kMaxElements))
        return fmt::format("operand {} ({}, {}) would have more than {} elements", o.slot, o.name,
                           o.shape_text(), power_text(kMaxElements));
      count *= value(d, p);
    }
  }
  // With every dimension at most 2^22 an out_length (a few m n + n terms) cannot overflow.
  int64_t out = 1;
  if (schema.out_length) {
    out = schema.out_length(p);
  } else {
    for (Dim d : schema.out) {
      if (!product_within(out, value(d, p), kMaxElements)) {
        out = kMaxElements + 1;
        break;
      }
      out *= value(d, p);
    }
  }
  if (out > kMaxElements)
    return fmt::format("the output ({}) would have more than {} elements", schema.out_text(),
                       power_text(kMaxElements));
  int64_t total = out;
  for (const Tensor* t : {&p.a, &p.b, &p.c, &p.d}) total += static_cast<int64_t>(t->size());
  if (total > kReproducerMaxCaseElements)
    return fmt::format("operands and output together would have more than {} elements",
                       power_text(kReproducerMaxCaseElements));
  return "";
}

}  // namespace

std::string operand_mismatch(const KernelDesc& k, const Problem& p) {
  const OpInfo* op = find_op(k.op);
  if (!op)
    return fmt::format("kernel {} declares op {}, which the op table does not have", k.name, k.op);
  if (std::string why = size_problem(op->schema, p); !why.empty()) return why;
  return op->schema.mismatch(k.op, p, k.recipe.in, k.recipe.out);
}

}  // namespace numguard
