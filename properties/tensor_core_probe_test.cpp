// The probe must recover every CPU model preset exactly: if it cannot find the parameters of
// a model whose parameters are known, its answers about a GPU mean nothing.
#include <gtest/gtest.h>

#include <string>

#include "harness/studies/tensor_core_probe.h"
#include "references/exact_accumulator.h"
#include "references/exact_real.h"
#include "references/tensor_core_model.h"

namespace numguard {
namespace {

constexpr std::pair<Format, Format> kPairings[] = {
    {Format::fp16, Format::fp32}, {Format::fp16, Format::fp16}, {Format::bf16, Format::fp32},
    {Format::tf32, Format::fp32}, {Format::e4m3, Format::fp32}, {Format::e5m2, Format::fp32}};

TEST(TensorCoreProbe, RecoversEveryPresetOfTheModel) {
  int probed = 0;
  for (std::string_view arch : tc::tc_architectures()) {
    for (auto [in, out] : kPairings) {
      const auto model = tc::find_preset(arch, in, out);
      // The probe measures NVIDIA's fused datapath; AMD's (C added after, exact, FTZ pairs)
      // are not probed yet (docs/REFERENCE.md, "Open points").
      if (!model || model->path != tc::Datapath::fused) continue;
      ++probed;
      const ProbeResult r = probe(model_unit(std::string(arch), in, out));
      const std::string what =
          std::string(arch) + " " + std::string(name(in)) + "->" + std::string(name(out));
      EXPECT_EQ(r.block, model->block) << what;
      EXPECT_EQ(r.fraction_bits, model->frac_bits) << what;
      EXPECT_TRUE(r.products_exact) << what;
      EXPECT_EQ(r.subnormal_inputs, true) << what;
      if (r.subnormal_outputs) {
        EXPECT_TRUE(*r.subnormal_outputs) << what;
      }
      // fp8's 13 fraction bits sit below fp32's 24: the final rounding is then exact and the
      // window's truncation is all the probe can see.
      if (model->frac_bits >= desc(out).precision - 1) {
        EXPECT_EQ(r.final_rounding, out == Format::fp32 ? "rz" : "rne") << what;
        // fp8 operands cannot form the small terms that tell C's place at 25 bits.
        if (desc(in).storage_bits > 8) {
          EXPECT_EQ(r.c_in_block, true) << what;
        }
      }
      EXPECT_EQ(r.tree.find("irregular"), std::string::npos) << what;
    }
  }
  EXPECT_GE(probed, 12);
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
