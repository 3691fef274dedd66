// numguard probe: measure a matrix unit's arithmetic feature by feature (datapath, block
// size, fraction bits, final rounding, output width, zero alignment, C placement, block-scale
// groups and their zero groups, subnormals, monotonicity), then run the model those measurements
// define against the unit on random vectors. With --model / --instruction it probes the CPU model
// and must recover each row; with --device cuda it probes the GPU's mma.sync and cuBLAS.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/cli/model_set_option.h"
#include "harness/cli/seed_option.h"
#include "harness/cli/verb.h"
#include "harness/studies/device_matrix_units.h"
#include "harness/studies/recovered_model.h"
#include "harness/studies/tensor_core_probe.h"
#include "references/tensor_core_model.h"

namespace numguard::cli {
namespace {

struct ProbeOptions {
  std::string model;
  std::string instruction;
  std::string device;
  std::vector<std::string> set;  // KEY=VALUE model features changed before probing
  bool json = false;
  uint64_t seed = 1;
};

struct Probed {
  ProbeResult result;
  std::optional<Verification> check;  // the recovered model against the unit
};

nlohmann::json optional_json(const auto& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json to_json(const Probed& p) {
  const ProbeResult& r = p.result;
  nlohmann::json j = {{"unit", r.unit},
                      {"in", name(r.in)},
                      {"in_b", name(r.in_b)},
                      {"out", name(r.out)},
                      {"datapath", r.datapath},
                      {"products_exact", r.products_exact},
                      {"block", r.block},
                      {"fraction_bits", r.fraction_bits},
                      {"fraction_bits_is_lower_bound", r.fraction_bits_lower_bound},
                      {"final_rounding", r.final_rounding},
                      {"operand_exponents", optional_json(r.operand_exponents)},
                      {"output_fraction_bits", optional_json(r.output_fraction_bits)},
                      {"zero_exponent", optional_json(r.zero_exponent)},
                      {"zeros_tested_down_to", optional_json(r.zeros_tested_down_to)},
                      {"c_after_bits", optional_json(r.c_after_bits)},
                      {"group", r.group},
                      {"zero_group_at_scales", optional_json(r.zero_group_at_scales)},
                      {"subnormal_inputs", optional_json(r.subnormal_inputs)},
                      {"subnormal_outputs", optional_json(r.subnormal_outputs)},
                      {"c_in_block", optional_json(r.c_in_block)},
                      {"signed_zero", optional_json(r.signed_zero)},
                      {"tf32_nan_to_inf", optional_json(r.tf32_nan_to_inf)},
                      {"nan_bits", r.nan_bits ? nlohmann::json(fmt::format("{:#x}", *r.nan_bits))
                                              : nlohmann::json(nullptr)},
                      {"monotone", r.monotone},
                      {"monotone_counterexample", r.monotone_counterexample},
                      {"tree", r.tree}};
  if (p.check)
    j["recovered_model"] = {{"trials", p.check->trials},
                            {"disagreements", p.check->disagreements},
                            {"first_disagreement", p.check->first}};
  return j;
}

std::string yes_no(const std::optional<bool>& b) {
  return b ? (*b ? "yes" : "no") : "n/a";
}

std::string pairing(const ProbeResult& r) {
  return r.in == r.in_b ? fmt::format("{}->{}", name(r.in), name(r.out))
                        : fmt::format("{}x{}->{}", name(r.in), name(r.in_b), name(r.out));
}

std::string extra(const ProbeResult& r) {
  std::string s;
  if (r.output_fraction_bits) s += fmt::format(" out {} bits", *r.output_fraction_bits);
  if (r.zero_exponent) s += fmt::format(" e_zero {}", *r.zero_exponent);
  if (r.c_after_bits) s += fmt::format(" C-after {} bits", *r.c_after_bits);
  if (r.group > 1) s += fmt::format(" groups of {}", r.group);
  if (r.zero_group_at_scales == true) s += " zero groups at scales";
  if (r.operand_exponents == false) s += " product-exponent alignment";
  if (r.signed_zero == true) s += " signed zero";
  return s.empty() ? "-" : s.substr(1);
}

void print_table(const std::vector<Probed>& results) {
  size_t w = 46;  // the unit column fits the longest instruction name
  for (const Probed& p : results) w = std::max(w, p.result.unit.size() + 2);
  fmt::print("{:<{}}{:<26}{:<15}{:>6}{:>6}{:>13}{:>7}{:>9}{:>10}  {}\n", "unit", w, "pairing",
             "datapath", "block", "frac", "rounding", "sub-in", "C-in", "model", "other");
  for (const Probed& p : results) {
    const ProbeResult& r = p.result;
    const std::string check = !p.check ? "n/a"
                              : p.check->disagreements
                                  ? fmt::format("{} diff", p.check->disagreements)
                                  : fmt::format("{}/{}", p.check->trials, p.check->trials);
    fmt::print("{:<{}}{:<26}{:<15}{:>6}{:>6}{:>13}{:>7}{:>9}{:>10}  {}\n", r.unit, w, pairing(r),
               r.datapath, r.block,
               fmt::format("{}{}", r.fraction_bits_lower_bound ? ">=" : "", r.fraction_bits),
               r.final_rounding, yes_no(r.subnormal_inputs), yes_no(r.c_in_block), check, extra(r));
  }
  for (const Probed& p : results) {
    const ProbeResult& r = p.result;
    fmt::print("  {} {}: {}\n", r.unit, pairing(r), r.tree);
    if (!r.monotone) fmt::print("    not monotone: {}\n", r.monotone_counterexample);
    if (p.check && p.check->disagreements)
      fmt::print("    the measured model differs from the unit: {}\n", p.check->first);
  }
}

// The row's unit with --set's changes: does the probe see a unit that differs in that one way?
MatrixUnit changed_unit(const tc::Instruction& row, const ProbeOptions& o) {
  tc::Instruction r = row;
  apply_model_settings(r.model, o.set);
  MatrixUnit u = instruction_unit(r);
  for (const std::string& kv : o.set) u.name += " " + kv;
  return u;
}

std::vector<MatrixUnit> model_units(const ProbeOptions& o) {
  std::vector<MatrixUnit> units;
  if (!o.instruction.empty()) {
    const tc::Instruction* row = tc::find_instruction(o.instruction, o.model);
    if (!row)
      throw UsageError(fmt::format("--instruction {}: no such instruction{} (numguard mma --list)",
                                   o.instruction, o.model.empty() ? "" : " on " + o.model));
    units.push_back(changed_unit(*row, o));
    return units;
  }
  for (const tc::Instruction& row : tc::tc_instructions())
    if (row.arch == o.model) units.push_back(changed_unit(row, o));
  if (units.empty()) throw UsageError(fmt::format("--model {}: unknown architecture", o.model));
  return units;
}

int run_probe(const ProbeOptions& o) {
  std::vector<MatrixUnit> units;
  if (!o.model.empty() || !o.instruction.empty()) units = model_units(o);
  if (!o.device.empty()) {
    if (o.device != "cuda")
      throw UsageError(fmt::format("--device {}: only 'cuda' can be probed", o.device));
    std::string why;
    std::vector<MatrixUnit> dev = device_matrix_units(&why);
    if (dev.empty()) throw UsageError("--device cuda: " + why);
    for (auto& u : dev) units.push_back(std::move(u));
  }
  if (units.empty()) throw UsageError("give --model ARCH, --instruction NAME and/or --device cuda");
  if (!o.set.empty() && o.model.empty() && o.instruction.empty())
    throw UsageError("--set changes the CPU model: give --model or --instruction");
  std::vector<Probed> results;
  for (const MatrixUnit& u : units) {
    Probed p{probe(u, o.seed), std::nullopt};
    if (const auto m = recovered_model(p.result, u)) p.check = verify(*m, u, o.seed);
    results.push_back(std::move(p));
  }
  if (o.json) {
    nlohmann::json j = {{"pairings", nlohmann::json::array()}};
    for (const Probed& p : results) j["pairings"].push_back(to_json(p));
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
      "Probe the CPU model of every instruction of this architecture (numguard mma --list)");
  app.add_option("--instruction", o->instruction,
                 "Probe the CPU model of one instruction (with --model where names repeat)");
  app.add_option(
      "--device", o->device,
      "Probe the GPU: 'cuda' (mma.sync, on RTX Blackwell also block-scaled mma.sync, and "
      "cuBLAS)");
  app.add_option("--seed", o->seed, "Seed of the monotonicity trials (default 1)")
      ->check(seed_problem);
  app.add_option("--set", o->set,
                 "KEY=VALUE: change one feature of the model before probing it (repeatable; "
                 "numguard mma --help lists the keys)");
  app.add_flag("--json", o->json, "JSON: {\"pairings\": [one object per unit and pairing]}");
  return [o] { return run_probe(*o); };
}

NUMGUARD_REGISTER_VERB({
    .name = "probe",
    .summary = "Measure a matrix unit's datapath, block, window, rounding, zeros and scales",
    .setup = setup_probe,
});

}  // namespace
}  // namespace numguard::cli
