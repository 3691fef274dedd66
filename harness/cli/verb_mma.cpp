// numguard mma: what a tensor core computes for given inputs, according to the CPU block-FMA
// model of one architecture (references/tensor_core_model.h), beside the exact
// value, so an engineer can ask the model a question without writing a kernel.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/cli/convert_value.h"
#include "harness/cli/format_options.h"
#include "harness/cli/number_text.h"
#include "harness/cli/verb.h"
#include "harness/core/ulp.h"
#include "references/exact_accumulator.h"
#include "references/tensor_core_model.h"

namespace numguard::cli {
namespace {

struct MmaOptions {
  std::string model;
  Format in = Format::fp16;
  Format out = Format::fp32;
  std::vector<std::string> a, b;
  std::string c = "0";
  bool json = false;
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

int run_mma(const MmaOptions& o) {
  const std::optional<tc::TcModel> model = tc::find_preset(o.model, o.in, o.out);
  if (!model)
    throw UsageError(
        fmt::format("--model {} has no preset for {} -> {}", o.model, name(o.in), name(o.out)));
  if (o.a.size() != o.b.size())
    throw UsageError(fmt::format("--a has {} values but --b has {}", o.a.size(), o.b.size()));
  std::vector<uint64_t> a, b;
  for (const auto& v : o.a) a.push_back(read_value(o.in, v, "a"));
  for (const auto& v : o.b) b.push_back(read_value(o.in, v, "b"));
  const uint64_t c = read_value(o.out, o.c, "c");
  const uint64_t d = tc::mma_dot(*model, o.in, a, b, c, o.out);

  // The exact c + sum a_i b_i, for comparison.
  ExactAccumulator acc(o.in);
  acc.add_dot(a, b);
  const ExactReal exact =
      add(acc.exact_real(), ExactReal::from_double(decode(o.out, c)), Rounding::rne);
  const uint64_t exact64 = round_to(Format::fp64, exact.unpacked()).bits;
  const double exact_value = decode(Format::fp64, exact64);
  const double ulps = ulp_error(o.out, decode(o.out, d), exact_value);
  const int blocks = a.empty() ? 0 : static_cast<int>((a.size() + model->block - 1) / model->block);

  if (o.json) {
    nlohmann::json j = {
        {"model", o.model},
        {"in", name(o.in)},
        {"out", name(o.out)},
        {"block", model->block},
        {"fraction_bits", model->frac_bits},
        {"final_rounding", name(model->final_rounding)},
        {"blocks", blocks},
        {"value", std::string(shortest_decimal(o.out, d).view())},
        {"hex", std::string(hex_float(o.out, d).view())},
        {"bits", std::string(bits_hex(o.out, d).view())},
        {"exact", std::string(shortest_decimal(Format::fp64, exact64).view())},
        {"exact_hex", std::string(hex_float(Format::fp64, exact64).view())},
        {"ulp_error", std::isfinite(ulps) ? nlohmann::json(ulps) : nlohmann::json("inf")}};
    fmt::print("{}\n", j.dump());
    return kExitOk;
  }
  fmt::print("model  {} {}->{}: blocks of {} products + C, {} fraction bits, final {}\n", o.model,
             name(o.in), name(o.out), model->block, model->frac_bits, name(model->final_rounding));
  fmt::print("d      {} ({}, bits {})  [{} chained block{}]\n", shortest_decimal(o.out, d).view(),
             hex_float(o.out, d).view(), bits_hex(o.out, d).view(), blocks, blocks == 1 ? "" : "s");
  fmt::print("exact  {} ({}){}\n", shortest_decimal(Format::fp64, exact64).view(),
             hex_float(Format::fp64, exact64).view(),
             exact.unpacked().sticky ? " (rounded to fp64 for display)" : "");
  fmt::print("error  {:.4g} ulp of {}\n", ulps, name(o.out));
  return kExitOk;
}

VerbAction setup_mma(CLI::App& app) {
  auto o = std::make_shared<MmaOptions>();
  app.add_option("--model", o->model, "Architecture preset: volta, ampere, ada, hopper, blackwell")
      ->required();
  add_format_option(app, "--in", o->in, "Input format of a and b (fp16, bf16, tf32, e4m3, e5m2)");
  add_format_option(app, "--out", o->out, "Output / accumulator format (fp32, or fp16)");
  app.add_option("--a", o->a, "a values, comma separated")->delimiter(',')->required();
  app.add_option("--b", o->b, "b values, comma separated")->delimiter(',')->required();
  app.add_option("--c", o->c, "The accumulator C (default 0)");
  app.add_flag("--json", o->json, "One JSON object");
  app.footer(
      "Values: decimal, hex float (0x1p-24) or raw bits (0x3c00). Vectors longer than the block\n"
      "chain blocks through C as the model does.\n"
      "Example: numguard mma --model hopper --in fp16 --out fp32 --a 0.5,0.5,0.5,0.5 \\\n"
      "           --b 0x1p-24,0x1p-24,0x1p-24,0x1p-24 --c 1");
  return [o] { return run_mma(*o); };
}

NUMGUARD_REGISTER_VERB({
    .name = "mma",
    .summary = "Evaluate one block-FMA dot product in the CPU tensor-core model",
    .setup = setup_mma,
});

}  // namespace
}  // namespace numguard::cli
