#include "harness/cli/case_details.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "harness/cli/atomic_file.h"
#include "harness/cli/npy_output.h"
#include "harness/cli/number_text.h"
#include "harness/cli/repro_line.h"
#include "harness/engine/op.h"
#include "harness/engine/user_inputs.h"
#include "harness/explain/explain_run.h"

namespace numguard::cli {
namespace {

// Beyond this many inputs a terminal listing stops being readable; they go to a file.
constexpr size_t kInlineInputs = 16;

// An input's exact value: every value of every format is a double, and the shortest decimal
// that reads back to that double names it exactly (fp16 0x71c2 prints as 11792, where the
// shortest decimal that reads back to the fp16 would be 11790).
std::string exact_decimal(Format f, uint64_t bits) {
  return fmt::format("{}", decode(f, bits));
}

// The exact reference as a hex float of its 64-bit significand; "+" marks nonzero bits
// beyond those 64 (Unpacked::sticky).
std::string exact_hex(const Unpacked& x) {
  const char* sign = x.negative ? "-" : "";
  switch (x.kind) {
    case Unpacked::Kind::nan:
      return "nan";
    case Unpacked::Kind::inf:
      return fmt::format("{}inf", sign);
    case Unpacked::Kind::zero:
      return fmt::format("{}0x0p+0", sign);
    case Unpacked::Kind::finite:
      break;
  }
  // mant in [2^63, 2^64) has value mant * 2^(exp - 63): the leading bit weighs 2^exp.
  uint64_t frac = x.mant << 1;  // the 63 bits below the leading one, left-aligned
  int digits = 16;
  while (digits > 0 && (frac & 0xF) == 0) frac >>= 4, --digits;
  std::string s = fmt::format("{}0x1", sign);
  if (digits > 0) s += fmt::format(".{:0{}x}", frac, digits);
  s += fmt::format("p{:+}", x.exp);
  return x.sticky ? s + "+" : s;
}

// Whether the reference rounded to double is the exact value itself.
bool double_is_exact(const Unpacked& x) {
  return x.kind != Unpacked::Kind::finite || (!x.sticky && (x.mant & 0x7FF) == 0);
}

// One line per element of A, B and C: "a ROW COL BITS VALUE", for scripts and diffing.
std::string all_inputs(const Problem& p, const std::string& header) {
  std::string out = header;
  out += "# tensor row col bits value\n";
  const auto dump = [&out](const char* tag, const Tensor& t) {
    if (t.empty()) return;
    const int64_t cols = t.shape.size() > 1 ? t.shape[1] : static_cast<int64_t>(t.size());
    for (size_t i = 0; i < t.size(); ++i)
      out += fmt::format("{} {} {} {} {}\n", tag, static_cast<int64_t>(i) / cols,
                         static_cast<int64_t>(i) % cols, bits_hex(t.format, t.bits[i]).view(),
                         exact_decimal(t.format, t.bits[i]));
  };
  dump("a", p.a);
  dump("b", p.b);
  dump("c", p.c);
  dump("d", p.d);
  for (size_t i = 0; i < p.lengths.size(); ++i)
    out += fmt::format("lengths {} {}\n", i, p.lengths[i]);
  for (size_t i = 0; i < p.scalars.size(); ++i)
    out += fmt::format("scalars {} {}\n", i, p.scalars[i]);
  return out;
}

std::string file_safe(const std::string& name) {
  std::string s = name;
  for (char& c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
          c == '-' || c == '_'))
      c = '_';
  return s;
}

// Where all inputs of a case too big to list are: the origin's own file (a reproducer), or a
// file written now.
std::string all_inputs_line(const Problem& p, const CaseOrigin& origin, size_t worst,
                            size_t inputs) {
  if (!origin.inputs_in.empty())
    return fmt::format("           all {} inputs are in {}\n", inputs, origin.inputs_in);
  const std::string header = origin.inputs_header + fmt::format("# worst element {}\n", worst);
  const std::string error = write_file_atomically(origin.inputs_file, all_inputs(p, header));
  return error.empty()
             ? fmt::format("           all {} inputs written to {}\n", inputs, origin.inputs_file)
             : fmt::format("           inputs not written: {}\n", error);
}

// The last lines of every case: the twin difference, if any, the verdict and the domain.
std::string outcome_lines(const Recipe& r, const CaseOutcome& c) {
  std::string text;
  if (c.twin_diff)
    text +=
        fmt::format("twin       element {} differs: device bits {}, twin bits {}\n", *c.twin_diff,
                    bits_hex(r.out, c.device_bits).view(), bits_hex(r.out, c.twin_bits).view());
  text += fmt::format("verdict    {}\n", name(c.verdict));
  text += fmt::format("domain     {}\n", c.domain_limit ? c.domain_reason : "inside");
  return text;
}

// Which of explain's models (harness/explain/) reproduce a failing output: the recipe variant
// the kernel really computes, when the catalogue has it.
std::string explain_line(const KernelDesc& k, const Problem& p, const Tensor& out, size_t w) {
  const explain::CaseFit f = explain::fit_case(k, p, out, w);
  std::string tags;
  for (const std::string& t : f.reproducing) tags += (tags.empty() ? "" : ", ") + t;
  if (!tags.empty())
    return fmt::format(
        "explain    reproduced bit for bit by the model{} {} (numguard explain "
        "--kernel {} ranks them over every case)\n",
        f.reproducing.size() > 1 ? "s" : "", tags, k.name);
  if (f.closest_tag.empty()) return "";
  return fmt::format(
      "explain    no model reproduces this output; the closest at element {}: {} "
      "gives {} ({})\n",
      w, f.closest_tag, shortest_decimal(out.format, f.closest_bits).view(),
      hex_float(out.format, f.closest_bits).view());
}

}  // namespace

// The special values among a tensor's elements: "2 subnormal [3, 9], 1 -0 [4]" ("" when none),
// first few indices of each kind. Special inputs are where kernels differ from their recipe
// (DAZ, FTZ, NaN conventions), so --case points at them.
std::string specials(const Tensor& t) {
  constexpr size_t kShown = 8;
  constexpr const char* kKinds[] = {"subnormal", "inf", "NaN", "-0"};
  std::vector<int64_t> at[4];
  std::vector<size_t> count(4, 0);
  for (size_t i = 0; i < t.size(); ++i) {
    const FpClass c = classify(t.format, t.bits[i]);
    const int kind = c == FpClass::subnormal                               ? 0
                     : c == FpClass::inf                                   ? 1
                     : c == FpClass::nan                                   ? 2
                     : c == FpClass::zero && sign_bit(t.format, t.bits[i]) ? 3
                                                                           : -1;
    if (kind < 0) continue;
    if (at[kind].size() < kShown) at[kind].push_back(static_cast<int64_t>(i));
    ++count[static_cast<size_t>(kind)];
  }
  std::string s;
  for (size_t k = 0; k < 4; ++k) {
    if (count[k] == 0) continue;
    s += fmt::format("{}{} {} [{}{}]", s.empty() ? "" : ", ", count[k], kKinds[k],
                     fmt::join(at[k], ", "), count[k] > kShown ? ", ..." : "");
  }
  return s;
}

// "specials   a: 2 subnormal [3, 9]; output: 1 -0 [0]\n", or "" when no input or output has one.
std::string specials_line(const Problem& p, const Tensor& out) {
  std::string s;
  const std::pair<const char*, const Tensor*> operands[] = {
      {"a", &p.a}, {"b", &p.b}, {"c", &p.c}, {"d", &p.d}, {"output", &out}};
  for (const auto& [label, t] : operands)
    if (const std::string x = specials(*t); !x.empty())
      s += fmt::format("{}{}: {}", s.empty() ? "" : "; ", label, x);
  return s.empty() ? "" : "specials   " + s + "\n";
}

namespace {

// Writes the whole output to origin.outputs_file (all of it, also where only a sample of the
// elements is verified) and says so.
std::string outputs_line(const Tensor& out, const CaseOrigin& origin) {
  const NpyBytes npy = npy_bytes(out);
  const std::string error = write_file_atomically(origin.outputs_file, npy.bytes);
  if (!error.empty()) {
    if (origin.outputs_error) *origin.outputs_error = error;
    return fmt::format("outputs    not written: {}\n", error);
  }
  std::string dims;
  for (int64_t d : out.shape) dims += fmt::format("{}{}", dims.empty() ? "" : " x ", d);
  return fmt::format("outputs    {} ({} {} as '{}', row-major)\n", origin.outputs_file, dims,
                     name(out.format), npy.descr);
}

}  // namespace

CaseOutcome print_case_details(const KernelDesc& k, uint64_t seed, int64_t index,
                               const std::string& outputs_file, std::string* outputs_error) {
  std::string generator;
  const Problem p = make_case(k, seed, index, &generator);
  CaseOrigin origin;
  origin.text = input_cases().empty()
                    ? fmt::format("{} of seed {}, generator {}", index, seed, generator)
                    : fmt::format("{} of --inputs: {}", index, generator);
  if (!input_cases().empty()) origin.inputs_in = generator;  // the user's file holds them
  origin.inputs_file = fmt::format("numguard-case-{}-{}-{}.txt", file_safe(k.name), seed, index);
  origin.inputs_header =
      fmt::format("# {}\n# generator {}, m={} n={} k={}, alpha={}, beta={}\n",
                  repro_line(k, seed, index), generator, p.m, p.n, p.k, p.alpha, p.beta);
  origin.outputs_file = outputs_file;
  origin.outputs_error = outputs_error;
  CaseOutcome c = print_case(k, p, origin);
  c.index = index;
  c.generator = generator;
  return c;
}

CaseOutcome print_case(const KernelDesc& k, const Problem& p, const CaseOrigin& origin) {
  std::string text;
  const CaseOutcome c = describe_case(k, p, origin, text);
  fmt::print("{}", text);
  return c;
}

CaseOutcome describe_case(const KernelDesc& k, const Problem& p, const CaseOrigin& origin,
                          std::string& text) {
  const Recipe& r = k.recipe;
  const OpInfo* op = find_op(k.op);
  text = fmt::format("kernel     {} ({}, {})\n", k.name, k.op, name(k.device));
  if (k.mutant) text += fmt::format("mutant of  {}: {}\n", k.imitates, k.bug);
  text += fmt::format("recipe     {}\n", r.summary());
  text += fmt::format("case       {}\n", origin.text);
  std::string scalars;
  for (double v : p.scalars) scalars += fmt::format("{}{}", scalars.empty() ? "" : ", ", v);
  text +=
      fmt::format("shape      m={} n={} k={}{}{}\n", p.m, p.n, p.k,
                  op && op->schema.alpha_beta ? fmt::format(", alpha={}, beta={}", p.alpha, p.beta)
                                              : std::string(),
                  scalars.empty() ? "" : ", scalars " + scalars);

  CaseElements ce;
  CaseOutcome c;
  // A kernel that throws is a verdict, as in run_check, not a crash of the harness.
  try {
    c = evaluate_case(k, p, nullptr, &ce, /*sampled=*/true);
  } catch (const std::exception& e) {
    c.verdict = verdict_of(e);
    const char* what = c.verdict == Verdict::unsupported    ? "the kernel refused it as unsupported"
                       : c.verdict == Verdict::kernel_error ? "the kernel threw"
                       : c.verdict == Verdict::crash
                           ? "CRASH: the kernel's worker process"
                           : "numguard internal error (numguard's failure, not the kernel's)";
    text += fmt::format("error      {}: {}\n", what, e.what());
    if (!origin.outputs_file.empty()) text += "outputs    not written: the kernel gave no output\n";
    text += fmt::format("verdict    {}\n", name(c.verdict));
    return c;
  }
  const Tensor& out = ce.out;
  if (!origin.outputs_file.empty()) text += outputs_line(out, origin);
  if (out.empty() || ce.elements.empty()) {
    text += fmt::format("output     no elements\nverdict    {}\n", name(c.verdict));
    return c;
  }
  const size_t w = c.worst_element;
  const OpElement& el = ce.elements[ce.position(w)];
  const ElementInputs in = op->describe(p, w);
  text += fmt::format("worst      element {}{} of {}\n", w, in.where, out.size());
  if (ce.sample)
    text += fmt::format(
        "verified   {} of {} elements: {} structured (tile corners for tiles 16..256, first and "
        "last rows and columns, extreme-norm rows), {} random (--sample all verifies every one)\n",
        ce.sample->indices().size(), out.size(), ce.sample->structured(),
        ce.sample->indices().size() - ce.sample->structured());
  text += fmt::format("inputs     {}\n", in.text);
  const size_t inputs = p.a.size() + p.b.size() + p.c.size() + p.d.size() + p.lengths.size();
  if (!in.complete.value_or(inputs <= kInlineInputs)) text += all_inputs_line(p, origin, w, inputs);
  text += specials_line(p, out);
  const ElementCheck& e = c.worst;
  const uint64_t y = out.bits[w];
  if (el.exact)
    text += fmt::format("reference  {}{} (exact {})\n", double_is_exact(*el.exact) ? "" : "~",
                        el.value, exact_hex(*el.exact));
  else
    text += fmt::format("reference  ~{} (MPFR, rounded to double)\n", e.reference);
  const FpClass yc = classify(r.out, y);
  const char* y_kind = yc == FpClass::subnormal                    ? " [subnormal]"
                       : yc == FpClass::zero && sign_bit(r.out, y) ? " [-0]"
                                                                   : "";
  text += fmt::format("output     {} ({}, bits {}){}\n", shortest_decimal(r.out, y).view(),
                      hex_float(r.out, y).view(), bits_hex(r.out, y).view(), y_kind);
  // Bit-accurate recipes (fused_block) are held to their model bit for bit: show its answer.
  if (el.model_bits)
    text += fmt::format("model      {} ({}, bits {}): the recipe's bit-accurate model\n",
                        shortest_decimal(r.out, *el.model_bits).view(),
                        hex_float(r.out, *el.model_bits).view(),
                        bits_hex(r.out, *el.model_bits).view());
  text += fmt::format("error      {:.6g} ({:.4g} ulp of {})\n", e.error, e.ulps, name(r.out));
  text += el.exact ? fmt::format("bound      {:.6g} (S = {:.6g}); error/bound {:.4g}\n", e.bound,
                                 el.scale, e.ratio())
                   : fmt::format(
                         "bound      {:.6g} (running error analysis of the recipe); "
                         "error/bound {:.4g}\n",
                         e.bound, e.ratio());
  text += fmt::format("estimate   {:.6g} (probabilistic, not used to fail)\n", e.prob_bound);
  // explain's models compute whole outputs: compared only where every element was computed.
  if (is_failure(c.verdict) && !ce.sample) text += explain_line(k, p, out, w);
  text += outcome_lines(r, c);
  return c;
}

}  // namespace numguard::cli
