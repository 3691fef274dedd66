// numguard probe: measure a matrix unit's arithmetic feature by feature (block size,
// fraction bits, final rounding, subnormals, C alignment, monotonicity, block chaining).
// With --model it probes the CPU model and must recover the preset; with --device cuda it
// probes the GPU's mma.sync and cuBLAS through the same interface.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/cli/seed_option.h"
#include "harness/cli/verb.h"
#include "harness/studies/device_matrix_units.h"
#include "harness/studies/tensor_core_probe.h"
#include "references/tensor_core_model.h"

namespace numguard::cli {
namespace {

struct ProbeOptions {
  std::string model;
  std::string device;
  bool json = false;
  uint64_t seed = 1;
};

// The input/output pairings a matrix unit may offer, in report order.
constexpr std::pair<Format, Format> kPairings[] = {
    {Format::fp16, Format::fp32}, {Format::fp16, Format::fp16}, {Format::bf16, Format::fp32},
    {Format::tf32, Format::fp32}, {Format::e4m3, Format::fp32}, {Format::e5m2, Format::fp32}};

nlohmann::json optional_bool(const std::optional<bool>& b) {
  return b ? nlohmann::json(*b) : nlohmann::json(nullptr);
}

nlohmann::json to_json(const ProbeResult& r) {
  return {{"unit", r.unit},
          {"in", name(r.in)},
          {"out", name(r.out)},
          {"products_exact", r.products_exact},
          {"block", r.block},
          {"fraction_bits", r.fraction_bits},
          {"fraction_bits_is_lower_bound", r.fraction_bits_lower_bound},
          {"final_rounding", r.final_rounding},
          {"subnormal_inputs", optional_bool(r.subnormal_inputs)},
          {"subnormal_outputs", optional_bool(r.subnormal_outputs)},
          {"c_in_block", optional_bool(r.c_in_block)},
          {"monotone", r.monotone},
          {"monotone_counterexample", r.monotone_counterexample},
          {"tree", r.tree}};
}

std::string yes_no(const std::optional<bool>& b) {
  return b ? (*b ? "yes" : "no") : "n/a";
}

void print_table(const std::vector<ProbeResult>& results) {
  fmt::print("{:<18}{:<12}{:>6}{:>6}{:>14}{:>7}{:>8}{:>9}{:>6}{:>10}\n", "unit", "pairing", "block",
             "frac", "rounding", "exact", "sub-in", "sub-out", "C-in", "monotone");
  for (const ProbeResult& r : results)
    fmt::print("{:<18}{:<12}{:>6}{:>6}{:>14}{:>7}{:>8}{:>9}{:>6}{:>10}\n", r.unit,
               fmt::format("{}->{}", name(r.in), name(r.out)), r.block,
               fmt::format("{}{}", r.fraction_bits_lower_bound ? ">=" : "", r.fraction_bits),
               r.final_rounding, r.products_exact ? "yes" : "no", yes_no(r.subnormal_inputs),
               yes_no(r.subnormal_outputs), yes_no(r.c_in_block), r.monotone ? "yes" : "NO");
  for (const ProbeResult& r : results) {
    fmt::print("  {} {}->{}: {}\n", r.unit, name(r.in), name(r.out), r.tree);
    if (!r.monotone) fmt::print("    not monotone: {}\n", r.monotone_counterexample);
  }
}

int run_probe(const ProbeOptions& o) {
  std::vector<MatrixUnit> units;
  if (!o.model.empty()) {
    for (auto [in, out] : kPairings)
      if (tc::find_preset(o.model, in, out)) units.push_back(model_unit(o.model, in, out));
    if (units.empty()) throw UsageError(fmt::format("--model {}: unknown architecture", o.model));
  }
  if (!o.device.empty()) {
    if (o.device != "cuda")
      throw UsageError(fmt::format("--device {}: only 'cuda' can be probed", o.device));
    std::string why;
    std::vector<MatrixUnit> dev = device_matrix_units(&why);
    if (dev.empty()) throw UsageError("--device cuda: " + why);
    for (auto& u : dev) units.push_back(std::move(u));
  }
  if (units.empty()) throw UsageError("give --model ARCH and/or --device cuda");
  std::vector<ProbeResult> results;
  for (const MatrixUnit& u : units) results.push_back(probe(u, o.seed));
  if (o.json) {
    nlohmann::json j = {{"pairings", nlohmann::json::array()}};
    for (const ProbeResult& r : results) j["pairings"].push_back(to_json(r));
    fmt::print("{}\n", j.dump(2));
  } else {
    print_table(results);
  }
  return kExitOk;
}

VerbAction setup_probe(CLI::App& app) {
  auto o = std::make_shared<ProbeOptions>();
  app.add_option(
      "--model", o->model,
      "Probe the CPU model of this architecture (volta, ampere, ada, hopper, blackwell)");
  app.add_option("--device", o->device, "Probe the GPU: 'cuda' (mma.sync and cuBLAS)");
  app.add_option("--seed", o->seed, "Seed of the monotonicity trials (default 1)")
      ->check(seed_problem);
  app.add_flag("--json", o->json, "JSON: {\"pairings\": [one object per unit and pairing]}");
  return [o] { return run_probe(*o); };
}

NUMGUARD_REGISTER_VERB({
    .name = "probe",
    .summary = "Measure a matrix unit's block size, fraction bits, rounding and subnormals",
    .setup = setup_probe,
});

}  // namespace
}  // namespace numguard::cli
