// The probe must recover every instruction row of the model: if it cannot find the parameters
// of a model whose parameters are known, its answers about a GPU mean nothing. "Recover" is
// checked twice: each measured parameter against the row, and the model the measurements
// define against the unit on random vectors (bit for bit).
#include <gtest/gtest.h>

#include <string>

#include "harness/studies/recovered_model.h"
#include "harness/studies/tensor_core_probe.h"
#include "references/exact_accumulator.h"
#include "references/exact_real.h"
#include "references/tensor_core_model.h"

namespace numguard {
namespace {

TEST(TensorCoreProbe, RecoversEveryInstructionRow) {
  const auto rows = tc::tc_instructions();
  ASSERT_FALSE(rows.empty());
  int zero_exponents_seen = 0;
  for (const tc::Instruction& row : rows) {
    const MatrixUnit unit = instruction_unit(row);
    const ProbeResult r = probe(unit);
    const tc::TcModel& m = row.model;
    const std::string what = unit.name;
    const int p = desc(row.out).precision;
    EXPECT_EQ(r.datapath, tc::name(m.path)) << what;
    EXPECT_EQ(r.block, m.block) << what;
    EXPECT_TRUE(r.products_exact) << what;
    switch (m.path) {
      case tc::Datapath::exact:  // no window: a lower bound at least the output's precision
        EXPECT_TRUE(r.fraction_bits_lower_bound) << what;
        EXPECT_GE(r.fraction_bits, p - 1) << what;
        break;
      case tc::Datapath::fma_chain:  // every step rounds to the output: p - 1 bits survive
      case tc::Datapath::ftz_pairs:
        EXPECT_EQ(r.fraction_bits, p - 1) << what;
        break;
      default:
        EXPECT_EQ(r.fraction_bits, m.frac_bits) << what;
        EXPECT_FALSE(r.fraction_bits_lower_bound) << what;
    }
    // Unobservable only where the window is narrower than the output (fp8's 13 bits into
    // fp32): the sum then never needs rounding.
    if (r.final_rounding == "unobservable") {
      EXPECT_LT(m.frac_bits, p - 1) << what;
    } else {
      EXPECT_EQ(r.final_rounding, std::string(name(m.final_rounding))) << what;
    }
    if (r.operand_exponents) {
      EXPECT_EQ(*r.operand_exponents, m.operand_exponents) << what;
    }
    if (m.path == tc::Datapath::fused || m.path == tc::Datapath::scaled ||
        m.path == tc::Datapath::group_scaled) {
      EXPECT_EQ(r.output_fraction_bits.value_or(0), m.out_frac_bits) << what;
      EXPECT_EQ(r.signed_zero, m.signed_zero) << what;
      EXPECT_EQ(r.c_in_block, true) << what;
    }
    if (r.zero_exponent) {
      EXPECT_EQ(r.zero_exponent, m.zero_exponent) << what;
      ++zero_exponents_seen;
    }
    if (m.path == tc::Datapath::c_after || m.path == tc::Datapath::c_after_halves) {
      EXPECT_EQ(r.c_in_block, false) << what;
      EXPECT_EQ(r.c_after_bits, m.c_after_bits) << what;
    }
    if (m.path == tc::Datapath::group_scaled) {
      EXPECT_EQ(r.group, m.group) << what;
      EXPECT_EQ(r.zero_group_at_scales, m.zero_group_at_scales) << what;
    }
    if (m.path == tc::Datapath::scaled) {
      EXPECT_EQ(r.group, 1) << what;
    }
    if (row.a == Format::tf32) {
      EXPECT_EQ(r.tf32_nan_to_inf, m.tf32_nan_to_inf) << what;
    }
    if (desc(row.a).has_nan()) {
      EXPECT_EQ(r.nan_bits, tc::nan_result(m, row.out)) << what;
    }
    EXPECT_TRUE(r.monotone) << what << ": " << r.monotone_counterexample;
    EXPECT_EQ(r.tree.find("irregular"), std::string::npos) << what;
    // The measured parameters, as a model, must reproduce the unit bit for bit.
    const auto model = recovered_model(r, unit);
    ASSERT_TRUE(model) << what;
    const Verification v = verify(*model, unit, 7);
    EXPECT_EQ(v.trials, 400) << what;
    EXPECT_EQ(v.disagreements, 0) << what << ": " << v.first;
  }
  // e_zero shows only where the inputs reach below it (bf16, tf32, fp16 outputs, E8M0
  // scales); every row where it was seen is checked above.
  EXPECT_GE(zero_exponents_seen, 21);
}

// Each switchable feature flipped on a preset: the probe must see the flip, not the preset.
TEST(TensorCoreProbe, SeesEachFeatureFlipped) {
  const tc::Instruction* base = tc::find_instruction("mma.m16n8k8.f32.tf32.tf32.f32", "hopper");
  ASSERT_NE(base, nullptr);
  struct Flip {
    const char* feature;
    void (*apply)(tc::TcModel&);
    bool (*seen)(const ProbeResult&);
  };
  const Flip flips[] = {
      {"exact-zero sign", [](tc::TcModel& m) { m.signed_zero = true; },
       [](const ProbeResult& r) { return r.signed_zero == true; }},
      {"zeros take no part", [](tc::TcModel& m) { m.zero_exponent.reset(); },
       [](const ProbeResult& r) { return !r.zero_exponent && r.zeros_tested_down_to; }},
      {"e_zero -128", [](tc::TcModel& m) { m.zero_exponent = -128; },
       [](const ProbeResult& r) { return r.zero_exponent == -128; }},
      {"output kept to 16 bits", [](tc::TcModel& m) { m.out_frac_bits = 16; },
       [](const ProbeResult& r) { return r.output_fraction_bits == 16; }},
      {"product-exponent alignment", [](tc::TcModel& m) { m.operand_exponents = false; },
       [](const ProbeResult& r) { return r.operand_exponents == false; }},
      {"quiet NaN", [](tc::TcModel& m) { m.nan = tc::NanResult::quiet; },
       [](const ProbeResult& r) { return r.nan_bits == 0x7fc00000; }},
      {"tf32 NaN kept", [](tc::TcModel& m) { m.tf32_nan_to_inf = false; },
       [](const ProbeResult& r) { return r.tf32_nan_to_inf == false; }},
      {"C after the block",
       [](tc::TcModel& m) {
         m.path = tc::Datapath::c_after;
         m.final_rounding = Rounding::rne;
       },
       [](const ProbeResult& r) { return r.datapath == "c_after" && r.c_after_bits == 31; }},
  };
  for (const Flip& flip : flips) {
    tc::Instruction row = *base;
    flip.apply(row.model);
    const MatrixUnit unit = instruction_unit(row);
    const ProbeResult r = probe(unit);
    EXPECT_TRUE(flip.seen(r)) << flip.feature;
    const auto model = recovered_model(r, unit);
    ASSERT_TRUE(model) << flip.feature;
    EXPECT_EQ(verify(*model, unit, 11).disagreements, 0) << flip.feature;
  }
}

// The group-scaled rows with zero groups aligned at their scales (MMA-Sim's functions.py):
// the probe must see it, on E8M0 (2^127) and on UE4M3 (448, a pull of 28 binades) alike.
TEST(TensorCoreProbe, SeesZeroGroupsAlignedAtTheirScales) {
  int rows = 0;
  for (const tc::Instruction& row : tc::tc_instructions()) {
    if (row.model.path != tc::Datapath::group_scaled) continue;
    ++rows;
    const std::string what = std::string(row.arch) + " " + std::string(row.name);
    EXPECT_EQ(probe(instruction_unit(row)).zero_group_at_scales, false) << what;
    tc::Instruction flipped = row;
    flipped.model.zero_group_at_scales = true;
    const MatrixUnit unit = instruction_unit(flipped);
    const ProbeResult r = probe(unit);
    EXPECT_EQ(r.zero_group_at_scales, true) << what;
    const auto model = recovered_model(r, unit);
    ASSERT_TRUE(model) << what;
    EXPECT_TRUE(model->zero_group_at_scales) << what;
  }
  EXPECT_GE(rows, 4);
}

// The random-vector check must itself fail on a model one parameter away from the unit, or
// its agreement above would mean nothing.
TEST(TensorCoreProbe, VerificationSeesAModelOneParameterAway) {
  const tc::Instruction* row = tc::find_instruction("mma.m16n8k16.f32.bf16.bf16.f32", "hopper");
  ASSERT_NE(row, nullptr);
  const MatrixUnit unit = instruction_unit(*row);
  tc::TcModel right = row->model;
  right.operand_emin = right.operand_emin_b = desc(Format::bf16).emin();
  ASSERT_EQ(verify(right, unit, 3).disagreements, 0);
  const std::pair<const char*, void (*)(tc::TcModel&)> changes[] = {
      {"F - 1", [](tc::TcModel& m) { --m.frac_bits; }},
      {"half the block", [](tc::TcModel& m) { m.block /= 2; }},
      {"rounding rne", [](tc::TcModel& m) { m.final_rounding = Rounding::rne; }},
      {"product-exponent alignment", [](tc::TcModel& m) { m.operand_exponents = false; }},
      {"quiet NaN", [](tc::TcModel& m) { m.nan = tc::NanResult::quiet; }},
      {"output kept to 20 bits", [](tc::TcModel& m) { m.out_frac_bits = 20; }},
  };
  for (const auto& [what, change] : changes) {
    tc::TcModel wrong = right;
    change(wrong);
    EXPECT_GT(verify(wrong, unit, 3).disagreements, 0) << what;
  }
}

// Models no architecture has: the probe must not be tuned to the presets it knows.
TEST(TensorCoreProbe, RecoversModelsOutsideThePresets) {
  struct Case {
    int block, frac_bits;
    Rounding rounding;
    Format out;
  };
  for (const Case c :
       {Case{12, 21, Rounding::rz, Format::fp32}, Case{5, 27, Rounding::rz, Format::fp32},
        Case{32, 30, Rounding::rne, Format::fp32}, Case{6, 20, Rounding::rne, Format::fp16}}) {
    const tc::TcModel model{c.block, c.frac_bits, c.rounding};
    MatrixUnit u;
    u.name = "custom";
    u.in = Format::fp16;
    u.out = c.out;
    u.max_k = 128;
    u.dot = [model, out = c.out](std::span<const uint64_t> a, std::span<const uint64_t> b,
                                 uint64_t cc) {
      return tc::mma_dot(model, Format::fp16, a, b, cc, out);
    };
    const ProbeResult r = probe(u);
    EXPECT_EQ(r.block, c.block);
    EXPECT_EQ(r.fraction_bits, c.frac_bits);
    EXPECT_EQ(r.final_rounding, std::string(name(c.rounding)));
    EXPECT_EQ(r.c_in_block, true);
    EXPECT_EQ(r.operand_exponents, false);  // the model aligns on the exact product
  }
}

// A unit that sums exactly and rounds once has no block and no window: the probe must say
// "no block found" and report its fraction bits as a lower bound, not invent a block.
TEST(TensorCoreProbe, AnExactUnitShowsNoBlockAndAnUnboundedWindow) {
  MatrixUnit u;
  u.name = "exact";
  u.in = Format::fp16;
  u.out = Format::fp32;
  u.max_k = 64;
  u.dot = [](std::span<const uint64_t> a, std::span<const uint64_t> b, uint64_t c) {
    ExactAccumulator acc(Format::fp16);
    acc.add_dot(a, b);
    const ExactReal sum =
        add(acc.exact_real(), ExactReal::from_double(decode(Format::fp32, c)), Rounding::rne);
    return round_to(Format::fp32, sum.unpacked()).bits;
  };
  const ProbeResult r = probe(u);
  EXPECT_EQ(r.block, 0);
  EXPECT_TRUE(r.fraction_bits_lower_bound);
  EXPECT_TRUE(r.products_exact);
}

}  // namespace
}  // namespace numguard
