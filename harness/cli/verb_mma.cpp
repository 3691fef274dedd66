// numguard mma: what a tensor core computes for given inputs, according to the CPU block-FMA
// model of one architecture (references/tensor_core_model.h), beside the exact
// value, so an engineer can ask the model a question without writing a kernel.
#include <fmt/format.h>

#include <fmt/ranges.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "harness/cli/convert_value.h"
#include "harness/cli/format_options.h"
#include "harness/cli/model_set_option.h"
#include "harness/cli/number_text.h"
#include "harness/cli/verb.h"
#include "harness/core/ulp.h"
#include "references/exact_real.h"
#include "references/tensor_core_features.h"
#include "references/tensor_core_model.h"

namespace numguard::cli {
namespace {

struct MmaOptions {
  std::string model;
  std::string instruction;
  Format in = Format::fp16;
  std::optional<Format> in_b;
  Format out = Format::fp32;
  std::vector<std::string> a, b, scale_a, scale_b;
  std::vector<std::string> set;  // KEY=VALUE model features changed (--set)
  std::string c = "0";
  bool json = false;
  bool batch = false;
  bool in_given = false, out_given = false;  // --in / --out on the command line
};

// Reads one value as `convert --from F --to F` does: raw bits (0x3c00), or a literal rounded
// into F with RNE.
uint64_t read_value(Format f, const std::string& text, const char* what) {
  ConvertSettings s;
  s.to = f;
  s.from = f;
  Converter conv(s);
  const Conversion c = conv.convert(trim(text));
  if (c.error)
    throw UsageError(
        fmt::format("--{}: '{}' is not a value of {} ({})", what, text, name(f), c.error));
  return c.result.bits;
}

// The instruction the options name: --instruction, or the architecture's default for the
// formats.
struct Chosen {
  const tc::Instruction* instruction;
  tc::TcModel model;
  Format a, b, out;
  std::vector<std::string> changed = {};  // --set KEY=VALUE applied to the row's model
};

Chosen choose_row(const MmaOptions& o);

// The chosen row with --set's changes: "what if this instruction did X".
Chosen choose(const MmaOptions& o) {
  Chosen ch = choose_row(o);
  apply_model_settings(ch.model, o.set);
  ch.changed = o.set;
  return ch;
}

Chosen choose_row(const MmaOptions& o) {
  const Format fb = o.in_b.value_or(o.in);
  if (!o.instruction.empty()) {
    const tc::Instruction* i = tc::find_instruction(o.instruction, o.model);
    if (!i)
      throw UsageError(fmt::format("--instruction {}: unknown (`numguard mma --list` names them)",
                                   o.instruction));
    if (!o.model.empty() && o.model != i->arch)
      throw UsageError(
          fmt::format("--instruction {} belongs to {}, not --model {}", i->name, i->arch, o.model));
    // An instruction fixes its formats: --in / --out that say otherwise are a mistake.
    if ((o.in_given && o.in != i->a) || (o.in_b && *o.in_b != i->b) ||
        (o.out_given && o.out != i->out))
      throw UsageError(fmt::format("--instruction {} takes {} x {} -> {}", i->name, name(i->a),
                                   name(i->b), name(i->out)));
    tc::TcModel m = i->model;
    m.operand_emin = tc::operand_emin(i->a);
    m.operand_emin_b = tc::operand_emin(i->b);
    return {i, m, i->a, i->b, i->out};
  }
  if (o.model.empty()) throw UsageError("give --model ARCH or --instruction NAME");
  const tc::Instruction* i = tc::find_default_instruction(o.model, o.in, fb, o.out);
  if (!i) {
    const auto archs = tc::tc_architectures();
    if (std::find(archs.begin(), archs.end(), o.model) == archs.end())
      throw UsageError(
          fmt::format("--model {}: unknown architecture ({})", o.model, fmt::join(archs, ", ")));
    throw UsageError(fmt::format("--model {} has no instruction for {} x {} -> {}", o.model,
                                 name(o.in), name(fb), name(o.out)));
  }
  return {i, *tc::find_preset(o.model, o.in, fb, o.out), o.in, fb, o.out};
}

struct DotResult {
  uint64_t d;
  uint64_t exact64;
  bool exact_rounded;
  double ulps;
  int blocks;
};

bool block_scaled(const tc::TcModel& m) {
  return m.path == tc::Datapath::scaled || m.path == tc::Datapath::group_scaled;
}

// A block scale's value as the instruction reads it (a ue4m3 scale's top bit is not read).
double scale_value(const tc::TcModel& m, uint64_t bits) {
  return decode(m.scale, m.scale == Format::ue4m3 ? bits & 0x7f : bits);
}

// sa, sb: the block scales (bits of the model's scale format) of a block-scaled instruction.
DotResult evaluate(const Chosen& ch, const std::vector<uint64_t>& a, const std::vector<uint64_t>& b,
                   uint64_t c, const std::vector<uint64_t>& sa = {},
                   const std::vector<uint64_t>& sb = {}) {
  DotResult r;
  const bool scaled = block_scaled(ch.model);
  try {
    r.d = scaled ? tc::mma_scaled_dot(ch.model, ch.a, ch.b, a, b, sa, sb, c, ch.out)
                 : tc::mma_dot(ch.model, ch.a, ch.b, a, b, c, ch.out);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  // The exact c + sum a_i b_i (times their block scales), for comparison.
  ExactReal exact = ExactReal::from_double(decode(ch.out, c));
  for (size_t i = 0; i < a.size(); ++i) {
    ExactReal t = mul(ExactReal::from_double(decode(ch.a, a[i])), decode(ch.b, b[i]));
    if (scaled) {
      const size_t s = i / static_cast<size_t>(ch.model.scale_block);
      t = mul(mul(t, scale_value(ch.model, sa[s])), scale_value(ch.model, sb[s]));
    }
    exact = add(exact, t, Rounding::rne);
  }
  r.exact64 = round_to(Format::fp64, exact.unpacked()).bits;
  r.exact_rounded = exact.unpacked().sticky;
  r.ulps = ulp_error(ch.out, decode(ch.out, r.d), decode(Format::fp64, r.exact64));
  r.blocks = a.empty() ? 0 : static_cast<int>((a.size() + ch.model.block - 1) / ch.model.block);
  return r;
}

nlohmann::json result_json(const Chosen& ch, const DotResult& r) {
  const tc::TcModel& m = ch.model;
  return {{"model", std::string(ch.instruction->arch)},
          {"instruction", std::string(ch.instruction->name)},
          {"datapath", std::string(tc::name(m.path))},
          {"in", name(ch.a)},
          {"in_b", name(ch.b)},
          {"out", name(ch.out)},
          {"block", m.block},
          {"fraction_bits", m.frac_bits},
          {"operand_exponents", m.operand_exponents},
          {"zero_exponent", m.zero_exponent ? nlohmann::json(*m.zero_exponent) : nullptr},
          {"out_fraction_bits", m.out_frac_bits},
          {"final_rounding", name(m.final_rounding)},
          {"scale_format", block_scaled(m) ? nlohmann::json(name(m.scale)) : nullptr},
          {"scale_block", block_scaled(m) ? nlohmann::json(m.scale_block) : nullptr},
          {"signed_zero", m.signed_zero},
          {"nan", tc::feature_value(m, "nan")},
          {"zero_group", m.path == tc::Datapath::group_scaled
                             ? nlohmann::json(tc::feature_value(m, "zero_group"))
                             : nullptr},
          {"changed", ch.changed},
          {"blocks", r.blocks},
          {"value", std::string(shortest_decimal(ch.out, r.d).view())},
          {"hex", std::string(hex_float(ch.out, r.d).view())},
          {"bits", std::string(bits_hex(ch.out, r.d).view())},
          {"exact", std::string(shortest_decimal(Format::fp64, r.exact64).view())},
          {"exact_hex", std::string(hex_float(Format::fp64, r.exact64).view())},
          {"ulp_error", std::isfinite(r.ulps) ? nlohmann::json(r.ulps) : nlohmann::json("inf")}};
}

std::vector<uint64_t> read_vector(Format f, const std::vector<std::string>& texts,
                                  const char* what) {
  std::vector<uint64_t> v;
  v.reserve(texts.size());
  for (const auto& t : texts) v.push_back(read_value(f, t, what));
  return v;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == sep) {
      out.emplace_back(s.substr(start, i - start));
      start = i + 1;
    }
  return out;
}

// One dot per line: "A B [C]", whitespace-separated, each vector comma-separated. Blank lines
// and lines starting with '#' are skipped; a bad line gives {"line", "error"} (or an error
// line) and the exit status 1 once every line is read.
int run_batch(const Chosen& ch, bool json) {
  std::string line;
  int64_t number = 0, bad = 0;
  while (std::getline(std::cin, line)) {
    ++number;
    std::istringstream fields(line);
    std::vector<std::string> f;
    for (std::string w; fields >> w;) f.push_back(w);
    if (f.empty() || f[0][0] == '#') continue;
    try {
      const size_t vectors = block_scaled(ch.model) ? 4 : 2;  // A B [SA SB]
      if (f.size() < vectors || f.size() > vectors + 1)
        throw UsageError(fmt::format("want '{}' ({} or {} fields), got {}",
                                     vectors == 4 ? "A B SA SB [C]" : "A B [C]", vectors,
                                     vectors + 1, f.size()));
      const auto a = read_vector(ch.a, split(f[0], ','), "a");
      const auto b = read_vector(ch.b, split(f[1], ','), "b");
      if (a.size() != b.size())
        throw UsageError(fmt::format("A has {} values but B has {}", a.size(), b.size()));
      std::vector<uint64_t> sa, sb;
      if (vectors == 4) {
        sa = read_vector(ch.model.scale, split(f[2], ','), "scale-a");
        sb = read_vector(ch.model.scale, split(f[3], ','), "scale-b");
      }
      const uint64_t c = read_value(ch.out, f.size() == vectors + 1 ? f[vectors] : "0", "c");
      const DotResult r = evaluate(ch, a, b, c, sa, sb);
      if (json) {
        nlohmann::json j = result_json(ch, r);
        j["line"] = number;
        fmt::print("{}\n", j.dump());
      } else {
        fmt::print("{} {}\n", bits_hex(ch.out, r.d).view(), shortest_decimal(ch.out, r.d).view());
      }
    } catch (const std::exception& e) {
      ++bad;
      if (json)
        fmt::print("{}\n", nlohmann::json{{"line", number}, {"error", e.what()}}.dump());
      else
        fmt::print("error line {}: {}\n", number, e.what());
    }
  }
  std::fflush(stdout);
  if (bad) {
    fmt::print(stderr, "numguard mma --batch: {} of {} lines could not be read\n", bad, number);
    return kExitFailure;
  }
  return kExitOk;
}

int list_instructions() {
  size_t w = 12;  // the instruction column fits its longest name
  for (const tc::Instruction& i : tc::tc_instructions()) w = std::max(w, i.name.size() + 2);
  fmt::print("{:<14}{:<{}}{:<9}{:<9}{:<6}{:<15}{:>4}{:>4}{:>7}  {}\n", "arch", "instruction", w,
             "a", "b", "out", "datapath", "L", "F", "e0", "source");
  for (const tc::Instruction& i : tc::tc_instructions())
    fmt::print("{:<14}{:<{}}{:<9}{:<9}{:<6}{:<15}{:>4}{:>4}{:>7}  {}\n", i.arch, i.name, w,
               name(i.a), name(i.b), name(i.out), tc::name(i.model.path), i.model.block,
               i.model.frac_bits,
               i.model.zero_exponent ? std::to_string(*i.model.zero_exponent) : "-", i.source);
  return kExitOk;
}

int run_mma(const MmaOptions& o) {
  const Chosen ch = choose(o);
  if (o.batch) {
    if (!o.a.empty() || !o.b.empty())
      throw UsageError("--batch reads its dots from stdin: drop --a and --b");
    return run_batch(ch, o.json);
  }
  if (o.a.empty() || o.b.empty()) throw UsageError("give --a and --b (or --batch)");
  if (o.a.size() != o.b.size())
    throw UsageError(fmt::format("--a has {} values but --b has {}", o.a.size(), o.b.size()));
  const auto a = read_vector(ch.a, o.a, "a");
  const auto b = read_vector(ch.b, o.b, "b");
  const uint64_t c = read_value(ch.out, o.c, "c");
  if (block_scaled(ch.model) != (!o.scale_a.empty() || !o.scale_b.empty()))
    throw UsageError(block_scaled(ch.model)
                         ? fmt::format("{} is block-scaled: give --scale-a and --scale-b (one {} "
                                       "scale per {} elements)",
                                       ch.instruction->name, name(ch.model.scale),
                                       ch.model.scale_block)
                         : "--scale-a and --scale-b need a block-scaled --instruction");
  const DotResult r = evaluate(ch, a, b, c, read_vector(ch.model.scale, o.scale_a, "scale-a"),
                               read_vector(ch.model.scale, o.scale_b, "scale-b"));
  if (o.json) {
    fmt::print("{}\n", result_json(ch, r).dump());
    return kExitOk;
  }
  const tc::TcModel& m = ch.model;
  fmt::print(
      "model  {} {} ({} x {} -> {}): {} datapath, blocks of {} products + C, {} fraction "
      "bits{}{}, final {}\n",
      ch.instruction->arch, ch.instruction->name, name(ch.a), name(ch.b), name(ch.out),
      tc::name(m.path), m.block, m.frac_bits,
      m.zero_exponent ? fmt::format(", zeros aligned at 2^{}", *m.zero_exponent) : "",
      m.out_frac_bits ? fmt::format(", result kept to {} fraction bits", m.out_frac_bits) : "",
      name(m.final_rounding));
  if (!ch.changed.empty()) fmt::print("set    {}\n", fmt::join(ch.changed, ", "));
  fmt::print("d      {} ({}, bits {})  [{} chained block{}]\n",
             shortest_decimal(ch.out, r.d).view(), hex_float(ch.out, r.d).view(),
             bits_hex(ch.out, r.d).view(), r.blocks, r.blocks == 1 ? "" : "s");
  fmt::print("exact  {} ({}){}\n", shortest_decimal(Format::fp64, r.exact64).view(),
             hex_float(Format::fp64, r.exact64).view(),
             r.exact_rounded ? " (rounded to fp64 for display)" : "");
  fmt::print("error  {:.4g} ulp of {}\n", r.ulps, name(ch.out));
  return kExitOk;
}

VerbAction setup_mma(CLI::App& app) {
  auto o = std::make_shared<MmaOptions>();
  auto list = std::make_shared<bool>(false);
  app.add_option("--model", o->model,
                 "Architecture: volta, turing, ampere, ada, hopper, blackwell, rtx_blackwell, "
                 "cdna1, cdna2, cdna3 (its default instruction for --in/--out)");
  app.add_option("--instruction", o->instruction,
                 "A specific instruction (`numguard mma --list`), e.g. "
                 "mma.m16n8k16.f32.bf16.bf16.f32");
  add_format_option(app, "--in", o->in, "Input format of a (and b): fp16, bf16, tf32, e4m3, ...")
      ->each([o](const std::string&) { o->in_given = true; });
  app.add_option_function<std::string>(
      "--in-b",
      [o](const std::string& s) {
        const auto f = format_from_name(s);
        if (!f) throw CLI::ValidationError("--in-b", "unknown format " + s);
        o->in_b = *f;
      },
      "Format of b where it differs from a's (e4m3 x e5m2)");
  add_format_option(app, "--out", o->out, "Output / accumulator format (fp32, fp16, fp64)")
      ->each([o](const std::string&) { o->out_given = true; });
  app.add_option("--a", o->a, "a values, comma separated")->delimiter(',');
  app.add_option("--b", o->b, "b values, comma separated")->delimiter(',');
  app.add_option("--c", o->c, "The accumulator C (default 0)");
  app.add_option("--scale-a", o->scale_a,
                 "Block-scaled instructions: a's scales, one per scale block, comma separated")
      ->delimiter(',');
  app.add_option("--scale-b", o->scale_b, "Block-scaled instructions: b's scales")->delimiter(',');
  std::string keys;
  for (const tc::Feature& f : tc::model_features())
    keys += fmt::format("\n  {} ({}): {}", f.key, f.values, f.meaning);
  app.add_option("--set", o->set,
                 "Change one feature of the instruction's model, KEY=VALUE (repeatable):" + keys);
  app.add_flag("--json", o->json, "One JSON object (per line with --batch)");
  app.add_flag("--batch", o->batch,
               "Read one dot per stdin line, 'A B [C]' (vectors comma-separated), and write one "
               "result per line");
  app.add_flag("--list", *list, "List every instruction's model and source");
  app.footer(
      "Values: decimal, hex float (0x1p-24) or raw bits (0x3c00). Vectors longer than the block\n"
      "chain blocks through C as the model does.\n"
      "Example: numguard mma --model hopper --in fp16 --out fp32 --a 0.5,0.5,0.5,0.5 \\\n"
      "           --b 0x1p-24,0x1p-24,0x1p-24,0x1p-24 --c 1\n"
      "Batch:   printf '1,2 3,4\\n1 1 1\\n' | numguard mma --batch --model hopper --json");
  return [o, list] { return *list ? list_instructions() : run_mma(*o); };
}

NUMGUARD_REGISTER_VERB({
    .name = "mma",
    .summary = "Evaluate one block-FMA dot product in the CPU tensor-core model",
    .setup = setup_mma,
});

}  // namespace
}  // namespace numguard::cli
