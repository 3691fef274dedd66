#include "fuzz/reproducer.h"

#include <algorithm>
#include <cinttypes>

namespace numguard::fuzz {
namespace {

// Single-quoted for a POSIX shell.
std::string quoted(const std::string& s) {
  std::string q = "'";
  for (char ch : s) q += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return q + "'";
}

std::string replay_command(const ReplayContext& ctx, const std::string& file) {
  std::string cmd;
  if (!ctx.pin.empty()) cmd += "NUMGUARD_FUZZ_KERNEL=" + quoted(ctx.pin) + " ";
  return cmd + ctx.program + " " + file;
}

int hex_digits(Format f) {
  return (desc(f).storage_bits + 3) / 4;
}

void print_value(std::FILE* out, const char* label, Format f, uint64_t bits) {
  std::fprintf(out, "%s%s 0x%0*" PRIx64 " = %.17g", label, std::string(name(f)).c_str(),
               hex_digits(f), bits, decode(f, bits));
}

// The first terms of the worst element: a[i, l] and b[l, j] (sum: a[0, l]).
void print_terms(std::FILE* out, const GemmInput& in, size_t element) {
  const Problem& p = in.problem;
  const int64_t i = static_cast<int64_t>(element) / p.n, j = static_cast<int64_t>(element) % p.n;
  constexpr int64_t kShown = 8;
  const int64_t shown = std::min(p.k, kShown);
  for (int64_t l = 0; l < shown; ++l) {
    std::fprintf(out, "    l=%-3" PRId64, l);
    print_value(out, " a ", p.a.format, p.a.bits[static_cast<size_t>(i * p.k + l)]);
    if (!p.b.empty())
      print_value(out, "  b ", p.b.format, p.b.bits[static_cast<size_t>(l * p.n + j)]);
    std::fputc('\n', out);
  }
  if (p.k > shown)
    std::fprintf(out, "    ... %" PRId64 " more terms (the input file has them all)\n",
                 p.k - shown);
  if (!p.c.empty()) {
    print_value(out, "    c ", p.c.format, p.c.bits[element]);
    std::fputc('\n', out);
  }
}

}  // namespace

void print_reproducer(std::FILE* out, const ReplayContext& ctx, const GemmInput& in,
                      const CaseOutcome& c, const Tensor& output, const std::string& what) {
  const KernelDesc& k = *in.kernel;
  const Problem& p = in.problem;
  const std::string file = !ctx.input_path.empty() ? ctx.input_path : ctx.artifact;
  const std::string failure = what.empty() ? std::string(name(c.verdict)) : "exception";
  // The one line (DESIGN.md principle 4), then the details.
  std::fprintf(out, "fuzz_gemm: %s in %s (m=%" PRId64 " n=%" PRId64 " k=%" PRId64 "); replay: %s\n",
               failure.c_str(), k.name.c_str(), p.m, p.n, p.k, replay_command(ctx, file).c_str());
  const std::string mutant = k.mutant ? " mutant of " + k.imitates + ": " + k.bug : "";
  std::fprintf(out, "  kernel    %s  [%s]%s\n", k.name.c_str(), k.recipe.summary().c_str(),
               mutant.c_str());
  std::fprintf(out,
               "  case      m=%" PRId64 " n=%" PRId64 " k=%" PRId64
               " alpha=%g beta=%g  modes A=%s B=%s C=%s  plant=%s",
               p.m, p.n, p.k, p.alpha, p.beta, std::string(name(in.modes[0])).c_str(),
               std::string(name(in.modes[1])).c_str(), std::string(name(in.modes[2])).c_str(),
               std::string(name(in.plant)).c_str());
  if (in.plant != SpecialKind::none) std::fprintf(out, " at %zu", in.plant_index);
  std::fputc('\n', out);
  if (!what.empty()) {
    std::fprintf(out, "  exception %s\n", what.c_str());
  } else {
    const ElementCheck& e = c.worst;
    std::fprintf(out, "  verdict   %s at element %zu (row %" PRId64 ", column %" PRId64 ")\n",
                 std::string(name(c.verdict)).c_str(), c.worst_element,
                 static_cast<int64_t>(c.worst_element) / p.n,
                 static_cast<int64_t>(c.worst_element) % p.n);
    std::fprintf(out, "  reference %.17g\n  output    %.17g", e.reference, e.output);
    if (c.worst_element < output.size())  // the bits matter for model and twin mismatches
      std::fprintf(out, " (%s 0x%0*" PRIx64 ")", std::string(name(output.format)).c_str(),
                   hex_digits(output.format), output.bits[c.worst_element]);
    std::fputc('\n', out);
    std::fprintf(out, "  error     %.6g  bound %.6g  ratio %.6g  (S = %.6g)\n", e.error, e.bound,
                 e.ratio(), c.sum_abs);
    print_terms(out, in, c.worst_element);
  }
  if (ctx.under_libfuzzer) {
    std::fprintf(out,
                 "  input     %s (libFuzzer writes it on abort; fuzz_gemm_replay of any build "
                 "replays it too)\n",
                 file.c_str());
  } else {
    std::fprintf(out, "  input     %s\n", file.c_str());
  }
  std::fflush(out);
}

}  // namespace numguard::fuzz
