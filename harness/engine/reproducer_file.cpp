#include "harness/engine/reproducer_file.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <sstream>
#include <vector>

#include "harness/engine/op.h"

namespace numguard {
namespace {

// Far above any case the fuzz targets or generators build (at most 8 x 8 x 512 terms, rows
// of 256); bounds the memory a damaged or hostile file can ask for.
constexpr int64_t kMaxElements = int64_t{1} << 22;
constexpr int64_t kMaxDim = int64_t{1} << 31;
constexpr int kPerLine = 16;

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

// The words of a line.
std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> w;
  size_t i = 0;
  while (i < line.size()) {
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

struct Parser {
  std::vector<std::string_view> lines;
  size_t at = 0;  // next line
  std::string error;

  bool fail(const std::string& what) {
    error = fmt::format("line {}: {}", at, what);
    return false;
  }
  // The next non-comment, non-blank line's words; empty at the end.
  std::vector<std::string_view> next() {
    while (at < lines.size()) {
      const std::string_view l = lines[at++];
      if (l.starts_with('#')) continue;
      std::vector<std::string_view> w = words(l);
      if (!w.empty()) return w;
    }
    return {};
  }
  // The rest of the current line after its first word (free text fields).
  std::string rest(std::string_view key) const {
    std::string_view l = lines[at - 1];
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
      return ps.fail(fmt::format("bad dimension '{}' (1 .. 2^31)", w[i]));
    if (count > kMaxElements / d)
      return ps.fail(fmt::format("operand {} has more than 2^22 elements", w[1]));
    count *= d;
    shape.push_back(d);
  }
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
      for (int i = 0; i < 3; ++i)
        if (w.size() != 4 || !to_int(w[1 + i], d[i]) || d[i] < 0 || d[i] > kMaxDim)
          return ps.fail("want: shape M N K (integers 0 .. 2^31)");
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
  size_t start = 0;
  while (start <= text.size()) {
    const size_t nl = text.find('\n', start);
    ps.lines.push_back(
        text.substr(start, nl == std::string_view::npos ? text.size() - start : nl - start));
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  Reproducer r;
  if (!parse(ps, r)) {
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

std::string operand_mismatch(const KernelDesc& k, const Problem& p) {
  const OpInfo* op = find_op(k.op);
  if (!op)
    return fmt::format("kernel {} declares op {}, which the op table does not have", k.name, k.op);
  return op->schema.mismatch(k.op, p, k.recipe.in, k.recipe.out);
}

}  // namespace numguard
