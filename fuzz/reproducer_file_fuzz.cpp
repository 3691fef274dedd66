// numguard-fuzz-reproducer-file: the reproducer-file parser (harness/engine/reproducer_file.h)
// on arbitrary text. `numguard repro` feeds it files people edit by hand, so it must refuse
// anything malformed without crashing or allocating beyond its size caps. Properties:
//  - a refusal is one line ("line N: ...") that `numguard repro` can print as it is;
//  - an accepted file holds operands within the parser's caps (reproducer_file.h: elements per
//    operand and per case), each exactly the size its shape says;
//  - an accepted file round-trips: format_reproducer(parse(x)) parses again to the same
//    content, and formatting that gives the same text (the writer and the reader agree);
//  - when it names a registered kernel, operand_mismatch answers in one line, and a problem it
//    lets through has an output within the same caps (the replay allocates the output and the
//    MPFR reference of every element: a tiny file must not declare a huge one).
// Seeds: corpus/seeds/reproducer-file/. NUMGUARD_FUZZ_VERBOSE prints each answer.
#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "harness/engine/op.h"
#include "harness/engine/registry.h"
#include "harness/engine/reproducer_file.h"

namespace numguard {
namespace {

[[noreturn]] void failed(const std::string& what, std::string_view input) {
  std::fprintf(stderr,
               "reproducer-file fuzz: property failed: %s\n--- input (%zu bytes) ---\n%.*s\n",
               what.c_str(), input.size(), static_cast<int>(std::min<size_t>(input.size(), 4096)),
               input.data());
  std::abort();
}

bool one_line(const std::string& s) {
  return !s.empty() && s.find('\n') == std::string::npos;
}

// Doubles compare by bits, except that every NaN is the same "nan" in the file.
bool same_double(double x, double y) {
  if (std::isnan(x) || std::isnan(y)) return std::isnan(x) && std::isnan(y);
  return std::memcmp(&x, &y, sizeof x) == 0;
}

bool same_tensor(const Tensor& x, const Tensor& y) {
  return x.format == y.format && x.shape == y.shape && x.bits == y.bits;
}

std::string difference(const Reproducer& x, const Reproducer& y) {
  const Problem &p = x.problem, &q = y.problem;
  if (x.kernel != y.kernel) return "kernel";
  if (x.op != y.op) return "op";
  if (x.plugin != y.plugin) return "plugin";
  if (x.found != y.found) return "found";
  if (p.m != q.m || p.n != q.n || p.k != q.k) return "shape";
  if (!same_double(p.alpha, q.alpha)) return "alpha";
  if (!same_double(p.beta, q.beta)) return "beta";
  if (p.lengths != q.lengths) return "lengths";
  if (p.scalars.size() != q.scalars.size()) return "scalars";
  for (size_t i = 0; i < p.scalars.size(); ++i)
    if (!same_double(p.scalars[i], q.scalars[i])) return fmt::format("scalars[{}]", i);
  const Tensor* xs[] = {&p.a, &p.b, &p.c, &p.d};
  const Tensor* ys[] = {&q.a, &q.b, &q.c, &q.d};
  for (int t = 0; t < 4; ++t)
    if (!same_tensor(*xs[t], *ys[t])) return fmt::format("tensor {}", static_cast<char>('a' + t));
  return "";
}

// The output's element count, without overflow: dims are at most 2^31 each.
__int128 out_elements(const OpInfo& op, const Problem& p) {
  __int128 n = 1;
  for (int64_t d : op.out_shape(p)) {
    if (d <= 0) return 0;
    n *= d;
    if (n > (__int128{1} << 64)) return n;  // already far beyond any cap
  }
  return n;
}

}  // namespace
}  // namespace numguard

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  numguard::registry();  // built once, not inside the first input's time
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace numguard;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;
  const std::optional<Reproducer> r = parse_reproducer(text, &error);
  // NUMGUARD_FUZZ_VERBOSE: the parser's answer, to see what a seed exercises.
  static const bool verbose = std::getenv("NUMGUARD_FUZZ_VERBOSE") != nullptr;
  if (verbose)
    std::fprintf(stderr, "%s\n", r ? ("parsed: kernel " + r->kernel).c_str() : error.c_str());
  if (!r) {
    if (!one_line(error) || !error.starts_with("line "))
      failed(fmt::format("a refusal is not one 'line N: ...' line: '{}'", error), text);
    return 0;
  }

  const Problem& p = r->problem;
  int64_t operands = 0;
  for (const Tensor* t : {&p.a, &p.b, &p.c, &p.d}) {
    if (t->size() > static_cast<size_t>(kReproducerMaxOperandElements))
      failed(fmt::format("an operand of {} elements was accepted", t->size()), text);
    if (!t->empty() && Tensor::count(t->shape) != static_cast<int64_t>(t->size()))
      failed("an operand's element count differs from its shape", text);
    operands += static_cast<int64_t>(t->size());
  }
  if (operands > kReproducerMaxCaseElements)
    failed(fmt::format("operands of {} elements in all were accepted", operands), text);

  const std::string once = format_reproducer(*r);
  std::string again_error;
  const std::optional<Reproducer> again = parse_reproducer(once, &again_error);
  if (!again) failed(fmt::format("format_reproducer's output is refused: {}", again_error), text);
  if (const std::string d = difference(*r, *again); !d.empty())
    failed(fmt::format("{} differs after format and parse", d), text);
  if (format_reproducer(*again) != once) failed("formatting is not a fixed point", text);

  if (const KernelDesc* k = find_kernel(r->kernel)) {
    const std::string bad = operand_mismatch(*k, p);
    if (bad.find('\n') != std::string::npos)
      failed(fmt::format("operand_mismatch is not one line: '{}'", bad), text);
    const OpInfo* op = find_op(k->op);
    const __int128 out = op ? out_elements(*op, p) : 0;
    if (bad.empty() &&
        (out > kReproducerMaxOperandElements || out + operands > kReproducerMaxCaseElements))
      failed(fmt::format("operand_mismatch accepts shape m={} n={} k={}: an output of {:g} "
                         "elements",
                         p.m, p.n, p.k, static_cast<double>(out)),
             text);
  }
  return 0;
}
