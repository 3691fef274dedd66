// The CUDA kernels (kernels_under_test/cuda/) and their CPU twins (docs/DESIGN.md principle 3:
// every CUDA kernel has a bit-exact CPU twin; CI tests the twin; a GPU run asserts device ==
// twin bit for bit, then checks the device against the reference).
//
// Everywhere: every CUDA kernel names an existing twin with an identical recipe, recipes follow
// the twin architecture, the CPU mutant twins are caught by their bounds, and the sum-of-squares
// twins (outside reduction_family_test's ops) pass theirs.
// With a CUDA device (else GTEST_SKIP with the reason): every CUDA kernel against its twin on
// shapes around the tiles and on the engine's generated cases (ops of the op table, e.g. the
// warp softmax kernels: their own generated cases only), bitwise (NaN compared as NaN:
// docs/REFERENCE.md, CUDA returns the canonical NaN); every CUDA and library kernel within its
// recipe's bound; every device mutant caught.
#include <gtest/gtest.h>

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness/device/device.h"
#include "harness/engine/case_shapes.h"
#include "harness/engine/check_runner.h"
#include "harness/engine/generators.h"
#include "harness/engine/op.h"
#include "harness/engine/random.h"
#include "harness/engine/registry.h"
#include "kernels_under_test/cpu/twin_arch.h"
#include "kernels_under_test/cpu/twin_kernels.h"
#include "kernels_under_test/cuda/register_common.h"

namespace numguard {
namespace {

constexpr uint64_t kSeed = 20261124;

const std::vector<std::string> kCudaKernels = {"gemm.fp16.tc-mma",
                                               "gemm.bf16.tc-mma",
                                               "gemm.tf32.tc-mma",
                                               "gemm.fp16.tc-mma.splitk4",
                                               "gemm.fp16.tc-mma.fp16acc",
                                               "sum.fp16.fp32acc.warp",
                                               "sum.bf16.fp32acc.warp",
                                               "sumsq.fp16.fp32acc.warp",
                                               "sumsq.bf16.fp32acc.warp",
                                               "dot.fp16.fp32acc.cuda-core",
                                               "dot.bf16.fp32acc.cuda-core",
                                               "scaled_gemm.e4m3.mma-sm120a",
                                               "scaled_gemm.e2m1.mma-sm120a",
                                               "nvfp4_gemm.e2m1.mma-sm120a",
                                               "scaled_gemm.e4m3.tcgen05-sm100a",
                                               "scaled_gemm.e2m1.tcgen05-sm100a",
                                               "nvfp4_gemm.e2m1.tcgen05-sm100a"};

// The warp-per-row softmax kernels (softmax.cu): every input format and algorithm.
std::vector<std::string> softmax_kernels() {
  std::vector<std::string> out;
  for (const char* f : {"fp16", "bf16", "fp32"}) {
    out.push_back(std::string("softmax.") + f + ".fp32acc.warp32_twopass");
    out.push_back(std::string("softmax.") + f + ".fp32acc.warp32_online");
    out.push_back(std::string("log_softmax.") + f + ".fp32acc.warp32_twopass");
  }
  return out;
}

// Ops of the op table (harness/engine/op.h): their own generators build every operand.
bool table_op(const KernelDesc& k) {
  return find_op(k.op) != nullptr;
}

std::vector<const KernelDesc*> with_device(Device d, bool mutants) {
  std::vector<const KernelDesc*> out;
  for (const KernelDesc* k : select_kernels("*", true))
    if (k->device == d && k->mutant == mutants) out.push_back(k);
  return out;
}

// The kernels of with_device that the present GPU runs: an arch-specific kernel (sm_120a) on
// another GPU is left to its twin, as `numguard check` leaves it (cannot_run), and said so.
std::vector<const KernelDesc*> on_device(Device d, bool mutants) {
  std::vector<const KernelDesc*> out;
  for (const KernelDesc* k : with_device(d, mutants)) {
    const std::string no = k->cannot_run ? k->cannot_run() : "";
    if (no.empty())
      out.push_back(k);
    else
      std::printf("%-55s not on this device: %s\n", k->name.c_str(), no.c_str());
  }
  return out;
}

bool tensor_core(const KernelDesc& k) {
  return k.name.find(".tc-mma") != std::string::npos;
}

// Says which architecture the twins model (the registry's rule: NUMGUARD_TC_ARCH, then the
// device, then hopper), before any test runs.
class DeviceEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    const device::Status& s = device::status();
    const TcArchChoice& arch = registry().tc_arch();
    if (s.available)
      std::printf("CUDA device: %s (sm_%d%d); twins model '%s' (%s)\n", s.name.c_str(), s.cc_major,
                  s.cc_minor, arch.arch.c_str(), arch.source.c_str());
    else
      std::printf("no CUDA device: %s; twins model '%s' (%s)\n", s.why_not.c_str(),
                  arch.arch.c_str(), arch.source.c_str());
  }
};
[[maybe_unused]] const auto* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new DeviceEnvironment);

#define SKIP_WITHOUT_DEVICE()                                         \
  do {                                                                \
    if (!device::status().available)                                  \
      GTEST_SKIP() << "no CUDA device: " << device::status().why_not; \
  } while (0)

// ---------------------------------------------------------------------------------------
// The table (everywhere)

TEST(CudaKernelTable, EveryCudaKernelNamesAnExistingTwinWithTheSameRecipe) {
  std::vector<std::string> expected = kCudaKernels;
  for (const std::string& n : softmax_kernels()) expected.push_back(n);
  for (const std::string& n : expected) {
    const KernelDesc* k = find_kernel(n);
    ASSERT_NE(k, nullptr) << n << " is not registered";
    EXPECT_EQ(k->device, Device::cuda) << n;
  }
  const auto kernels = with_device(Device::cuda, false);
  EXPECT_GE(kernels.size(), expected.size());
  for (const KernelDesc* k : kernels) {
    SCOPED_TRACE(k->name);
    ASSERT_FALSE(k->twin_of.empty()) << "a CUDA kernel without a twin";
    const KernelDesc* twin = find_kernel(k->twin_of);
    ASSERT_NE(twin, nullptr) << "twin " << k->twin_of << " is not registered";
    EXPECT_EQ(twin->name, k->name + ".twin");
    EXPECT_EQ(twin->device, Device::cpu);
    EXPECT_FALSE(twin->mutant);
    EXPECT_EQ(twin->twin_of, k->name) << "the twin names its CUDA kernel back";
    EXPECT_EQ(twin->op, k->op);
    EXPECT_EQ(twin->recipe.summary(), k->recipe.summary());
  }
}

TEST(CudaKernelTable, EveryDeviceMutantImitatesACudaKernelAndHasATwin) {
  const auto mutants = with_device(Device::cuda, true);
  EXPECT_GE(mutants.size(), 3u);
  for (const KernelDesc* k : mutants) {
    SCOPED_TRACE(k->name);
    EXPECT_EQ(k->name.rfind("mutant.", 0), 0u);
    EXPECT_FALSE(k->bug.empty());
    const KernelDesc* imitated = find_kernel(k->imitates);
    ASSERT_NE(imitated, nullptr) << "imitates unknown " << k->imitates;
    EXPECT_EQ(imitated->device, Device::cuda);
    EXPECT_FALSE(imitated->mutant);
    EXPECT_EQ(k->recipe.summary(), imitated->recipe.summary());
    const KernelDesc* twin = find_kernel(k->twin_of);
    ASSERT_NE(twin, nullptr) << "twin " << k->twin_of << " is not registered";
    EXPECT_EQ(twin->device, Device::cpu);
    EXPECT_EQ(twin->recipe.summary(), k->recipe.summary());
    // Either the twin carries the bug (a CPU mutant imitating the correct twin), or it is the
    // correct kernel's twin and only the device run can tell them apart.
    if (twin->mutant) {
      EXPECT_EQ(twin->imitates, imitated->twin_of);
      EXPECT_EQ(twin->twin_of, k->name);
    } else {
      EXPECT_EQ(twin->name, imitated->twin_of);
    }
  }
}

TEST(CudaKernelTable, LibraryKernelsHaveNoTwin) {
  const auto library = with_device(Device::library, false);
  EXPECT_GE(library.size(), 7u);
  for (const KernelDesc* k : library) {
    EXPECT_TRUE(k->twin_of.empty()) << k->name;
    EXPECT_EQ(k->op, "gemm") << k->name;
    EXPECT_NE(k->name.find(".cublas."), std::string::npos) << k->name;
  }
  const KernelDesc* tf32 = find_kernel("gemm.fp32.cublas.fast-tf32");
  ASSERT_NE(tf32, nullptr);
  EXPECT_EQ(tf32->recipe.input_cast, Format::tf32);
}

// One rule picks the twins' architecture: an explicit request, then NUMGUARD_TC_ARCH, then the
// device present, then hopper; a name without presets is refused.
TEST(CudaKernelTable, TheTwinsArchitectureIsChosenByOneRule) {
  const char* saved = std::getenv("NUMGUARD_TC_ARCH");
  const std::string keep = saved ? saved : "";
  ::unsetenv("NUMGUARD_TC_ARCH");
  const TcArchChoice plain = choose_tc_arch();
  if (device::status().available) {
    EXPECT_EQ(plain.arch, device::tc_arch());
    EXPECT_EQ(plain.source.rfind("device ", 0), 0u) << plain.source;
  } else {
    EXPECT_EQ(plain.arch, "hopper");
    EXPECT_EQ(plain.source, "default");
  }
  ::setenv("NUMGUARD_TC_ARCH", "volta", 1);
  EXPECT_EQ(choose_tc_arch().arch, "volta");
  EXPECT_EQ(choose_tc_arch().source, "NUMGUARD_TC_ARCH");
  EXPECT_EQ(choose_tc_arch("ampere").arch, "ampere");  // an explicit request wins
  ::setenv("NUMGUARD_TC_ARCH", "pascal", 1);
  EXPECT_THROW(choose_tc_arch(), RegistryError);
  if (saved)
    ::setenv("NUMGUARD_TC_ARCH", keep.c_str(), 1);
  else
    ::unsetenv("NUMGUARD_TC_ARCH");
}

// The device's compute capability names the architecture whose mma.sync rows the twins run.
TEST(CudaKernelTable, ComputeCapabilityNamesTheTwinsArchitecture) {
  EXPECT_EQ(device::tc_arch_of(6), "");
  EXPECT_EQ(device::tc_arch_of(7), "volta");
  EXPECT_EQ(device::tc_arch_of(8), "ampere");
  EXPECT_EQ(device::tc_arch_of(9), "hopper");
  EXPECT_EQ(device::tc_arch_of(10), "hopper");  // sm_100's mma.sync: no published model
  EXPECT_EQ(device::tc_arch_of(12), "rtx_blackwell");
  for (int cc : {7, 8, 9, 10, 12})  // each names an architecture the registry can bind
    EXPECT_NO_THROW(Registry::build({.tc_arch = device::tc_arch_of(cc)})) << cc;
}

// Every tensor-core kernel, twin and mutant declares the block and fraction bits of the twin
// architecture, and keeps agreeing with its counterpart when the architecture changes.
TEST(CudaKernelTable, RecipesFollowTheTwinArchitecture) {
  for (const char* arch : {"ampere", "volta", "hopper", "rtx_blackwell"}) {
    const Registry r = Registry::build({.tc_arch = arch});
    ASSERT_EQ(r.tc_arch().arch, arch);
    int bound = 0;
    for (const KernelDesc& k : r.kernels()) {
      if (!tensor_core(k)) continue;
      SCOPED_TRACE(k.name + " under " + arch);
      const Format acc = k.recipe.acc;
      const tc::TcModel m = kernels::twin_tc_model(arch, k.recipe.in, acc);
      EXPECT_EQ(k.recipe.shape.block, m.block);
      EXPECT_EQ(k.recipe.shape.frac_bits, m.frac_bits);
      EXPECT_TRUE(k.for_arch) << "a tensor-core kernel is declared arch-dependent";
      if (const KernelDesc* twin = r.find(k.twin_of)) {
        EXPECT_EQ(twin->recipe.summary(), k.recipe.summary());
        EXPECT_EQ(k.twin, twin) << "the registry resolves the twin within itself";
      }
      if (!k.imitates.empty()) {
        EXPECT_EQ(r.find(k.imitates)->recipe.summary(), k.recipe.summary());
      }
      ++bound;
    }
    EXPECT_GT(bound, 0) << "no tensor-core kernel in the registry";
  }
  EXPECT_THROW(Registry::build({.tc_arch = "pascal"}), RegistryError);
}

// ---------------------------------------------------------------------------------------
// The twins (everywhere)

std::vector<const KernelDesc*> cpu_mutant_twins() {
  std::vector<const KernelDesc*> out;
  for (const KernelDesc* k : with_device(Device::cpu, true))
    if (!k->twin_of.empty()) out.push_back(k);
  return out;
}

TEST(CudaTwins, CpuMutantTwinsAreCaughtByTheirBounds) {
  const auto mutants = cpu_mutant_twins();
  ASSERT_GE(mutants.size(), 3u);
  CheckOptions opt;
  opt.cases = 40;
  opt.seed = kSeed;
  for (const KernelSummary& s : run_check(mutants, opt)) {
    EXPECT_TRUE(s.first_failure.has_value())
        << s.kernel->name << " (" << s.kernel->bug << ") was not caught";
    const KernelDesc* original = find_kernel(s.kernel->imitates);
    ASSERT_NE(original, nullptr) << s.kernel->name;
    EXPECT_EQ(original->device, Device::cpu);
    EXPECT_EQ(s.kernel->recipe.summary(), original->recipe.summary()) << s.kernel->name;
  }
}

// Every kernel passes `numguard check` at `cases` per generator (seed kSeed) and judges
// some cases inside its domain.
void expect_within_bounds(const std::vector<const KernelDesc*>& kernels, int64_t cases) {
  ASSERT_FALSE(kernels.empty());
  CheckOptions opt;
  opt.cases = cases;
  opt.seed = kSeed;
  for (const KernelSummary& s : run_check(kernels, opt)) {
    EXPECT_EQ(s.failures, 0) << s.kernel->name << " case "
                             << (s.first_failure ? s.first_failure->index : -1);
    EXPECT_GT(s.cases - s.domain_limits, 0) << s.kernel->name;
  }
}

// reduction_family_test covers dot, sum and gemm; the sum-of-squares twins are checked here.
TEST(CudaTwins, SumOfSquaresTwinsPassTheirBounds) {
  std::vector<const KernelDesc*> twins;
  for (const KernelDesc* k : select_kernels("sumsq.*.twin", false)) twins.push_back(k);
  ASSERT_EQ(twins.size(), 2u);
  expect_within_bounds(twins, 40);
}

// The warp order on an input that shows it: lane l holds l+1 (k = 32), the butterfly adds
// lanes pairwise; the wrong-offset mutant doubles the even lanes' sum.
TEST(CudaTwins, WarpTwinsFollowTheButterfly) {
  Problem p;
  p.m = 1;
  p.k = 32;
  p.a = Tensor(Format::fp16, {1, 32});
  for (int i = 0; i < 32; ++i) p.a.bits[static_cast<size_t>(i)] = to_bits(Format::fp16, i + 1);
  Tensor good, bad;
  find_kernel("sum.fp16.fp32acc.warp.twin")->run(p, good);
  find_kernel("mutant.sum.fp16.fp32acc.warp.wrong_shuffle_offset.twin")->run(p, bad);
  EXPECT_EQ(good.value(0), 528.0);  // 1 + 2 + ... + 32
  EXPECT_EQ(bad.value(0),
            2 * (1 + 3 + 5 + 7 + 9 + 11 + 13 + 15 + 17 + 19 + 21 + 23 + 25 + 27 + 29 + 31));
}

// The softmax twins are the op's CPU algorithm in the warp's order: within their bounds, and
// not the sequential kernel (the strided sum rounds differently on some fp32 row).
TEST(CudaTwins, SoftmaxWarpTwinsPassTheirBounds) {
  std::vector<const KernelDesc*> twins;
  for (const std::string& n : softmax_kernels()) {
    const KernelDesc* t = find_kernel(n + ".twin");
    ASSERT_NE(t, nullptr) << n << ".twin";
    EXPECT_EQ(t->recipe.shape.order, Order::strided) << t->name;
    EXPECT_EQ(t->recipe.shape.lanes, 32) << t->name;
    twins.push_back(t);
  }
  expect_within_bounds(twins, 40);
}

TEST(CudaTwins, SoftmaxWarpTwinsSumInTheStridedOrder) {
  const KernelDesc* twin = find_kernel("softmax.fp32.fp32acc.warp32_twopass.twin");
  const KernelDesc* seq = find_kernel("softmax.fp32.fp32acc.twopass");
  ASSERT_NE(twin, nullptr);
  ASSERT_NE(seq, nullptr);
  int64_t differing = 0;
  for (int64_t c = 0; c < 100 && differing == 0; ++c) {
    const Problem p = make_case(*twin, kSeed, c, nullptr);
    if (p.n <= 32) continue;
    Tensor a, b(Format::fp32, {p.m, p.n});
    twin->run(p, a);
    seq->run(p, b);
    for (size_t e = 0; e < a.bits.size(); ++e) differing += a.bits[e] != b.bits[e];
  }
  EXPECT_GT(differing, 0) << "the strided twin agrees with the sequential kernel everywhere";
}

// A row of one element: the twin gives exactly 1; the wrong-offset mutant's sum counts lane 0
// twice (2 * exp(0)), so it gives 0.5.
TEST(CudaTwins, SoftmaxMutantTwinDoublesTheEvenLanes) {
  Problem p;
  p.m = 1;
  p.n = 1;
  p.a = Tensor(Format::fp16, {1, 1});
  p.a.bits[0] = to_bits(Format::fp16, 0.25);
  Tensor good, bad;
  find_kernel("softmax.fp16.fp32acc.warp32_twopass.twin")->run(p, good);
  find_kernel("mutant.softmax.fp16.fp32acc.warp32_twopass.wrong_shuffle_offset.twin")->run(p, bad);
  EXPECT_EQ(good.value(0), 1.0);
  EXPECT_EQ(bad.value(0), 0.5);
}

// ---------------------------------------------------------------------------------------
// Device against twin (needs a device)

struct Shape {
  int64_t m, n, k;
};

// M and N around the 64 x 64 tile, K around the 32-wide K tile and the 16 / 8 instruction
// width, K = 0 and 1, and long K.
const std::vector<Shape> kGemmShapes = {{1, 1, 1},      {64, 64, 32}, {65, 63, 33}, {17, 9, 100},
                                        {128, 72, 257}, {3, 5, 0},    {1, 1, 16},   {70, 130, 31},
                                        {33, 7, 1000},  {64, 64, 64}, {2, 3, 5},    {16, 8, 8}};
const std::vector<Shape> kSumShapes = {{1, 1, 1},    {5, 1, 31}, {8, 1, 32},    {9, 1, 33},
                                       {3, 1, 1000}, {2, 1, 0},  {17, 1, 2048}, {1, 1, 5}};
const std::vector<Shape> kDotShapes = {{1, 1, 1},    {1, 1, 255}, {1, 1, 256},  {1, 1, 257},
                                       {1, 1, 1000}, {1, 1, 0},   {1, 1, 5000}, {3, 2, 77}};

const std::vector<Shape>& shapes_for(const KernelDesc& k) {
  if (k.op == "gemm") return kGemmShapes;
  if (k.op == "dot") return kDotShapes;
  return kSumShapes;
}

// Values of `f`: uniform in [-1, 1], or (wide) random sign and exponent over most of the
// format's range, subnormals included, where truncation and alignment differ the most.
double value(Format f, Rng& r, bool wide) {
  if (!wide) return r.uniform(-1, 1);
  const FormatDesc& d = desc(f);
  const int lo = d.emin() - d.precision + 1, hi = std::min(d.emax() / 2 - 4, 8);
  const double mag = std::ldexp(r.uniform(1, 2), static_cast<int>(r.integer(lo, hi)));
  return r.coin() ? mag : -mag;
}

Problem shaped_case(const KernelDesc& k, Shape s, uint64_t seed, bool wide, bool epilogue) {
  Rng r(seed);
  const Format in = k.recipe.in;
  Problem p;
  p.m = s.m;
  p.n = k.op == "gemm" || k.op == "dot" ? s.n : 1;
  p.k = s.k;
  p.a = Tensor(in, {p.m, p.k});
  for (auto& b : p.a.bits) b = to_bits(in, value(in, r, wide));
  if (k.op == "gemm" || k.op == "dot") {
    p.b = Tensor(in, {p.k, p.n});
    for (auto& b : p.b.bits) b = to_bits(in, value(in, r, wide));
  }
  if (epilogue) {
    p.alpha = 1.5;
    p.beta = -0.75;
    p.c = Tensor(k.recipe.out, {p.m, p.n});
    for (auto& b : p.c.bits) b = to_bits(k.recipe.out, r.uniform(-1, 1));
  }
  return p;
}

struct Labeled {
  std::string label;
  Problem problem;
};

// Block-scaled GEMMs past one CTA tile of the tcgen05 kernels (128 x 128) and one K chunk (128
// bytes of a row), which the generators' shapes stay below: two generators at each shape.
const char* const kPastOneTile[] = {"128x128x256", "130x129x300", "257x9x520"};

std::vector<Labeled> past_one_tile(const KernelDesc& k) {
  std::vector<Labeled> out;
  if (k.op != "scaled_gemm" && k.op != "nvfp4_gemm") return out;
  for (const char* text : kPastOneTile) {
    ShapeRequest r;
    const std::string why = parse_shape(*find_op(k.op), text, &r);
    if (!why.empty()) throw std::logic_error(std::string(text) + ": " + why);
    const ForcedShape forced(r);
    for (int64_t c = 0; c < 2; ++c) {
      std::string gen;
      Problem p = make_case(k, kSeed, c, &gen);
      out.push_back({"generator " + gen + " (--seed " + std::to_string(kSeed) + " --case " +
                         std::to_string(c) + " --shape " + text + ")",
                     std::move(p)});
    }
  }
  return out;
}

// The shapes above (uniform and wide values, every third with the epilogue), then the
// engine's generated cases (every generator, specials and tile edges included).
// Ops of the op table take only the generated cases, four times as many (their generators
// already cover lengths around the 32 lanes and the op's specials).
std::vector<Labeled> cases_for(const KernelDesc& k) {
  if (k.op == "attention") return {};  // Q, K, V and lengths: AttentionKernelsMatchTheirTwins...
  std::vector<Labeled> out;
  uint64_t i = 0;
  for (const Shape& s : table_op(k) ? std::vector<Shape>{} : shapes_for(k)) {
    for (bool wide : {false, true}) {
      std::ostringstream label;
      label << (wide ? "wide" : "uniform") << " m=" << s.m << " n=" << s.n << " k=" << s.k;
      const bool epilogue = i % 3 == 2;
      if (epilogue) label << " alpha=1.5 beta=-0.75";
      out.push_back({label.str(), shaped_case(k, s, case_seed(kSeed, i), wide, epilogue)});
      ++i;
    }
  }
  for (Labeled& c : past_one_tile(k)) out.push_back(std::move(c));
  const int64_t generated = (table_op(k) ? 20 : 5) * static_cast<int64_t>(case_generators().size());
  for (int64_t c = 0; c < generated; ++c) {
    std::string gen;
    Problem p = make_case(k, kSeed, c, &gen);
    out.push_back({"generator " + gen + " (--seed " + std::to_string(kSeed) + " --case " +
                       std::to_string(c) + ")",
                   std::move(p)});
  }
  return out;
}

TEST(CudaTwins, BlockScaledGemmCasesReachPastOneTcgen05Tile) {
  for (const char* name : {"scaled_gemm.e4m3.tcgen05-sm100a", "nvfp4_gemm.e2m1.tcgen05-sm100a"}) {
    const KernelDesc* k = find_kernel(name);
    ASSERT_NE(k, nullptr) << name;
    const std::vector<Labeled> cases = past_one_tile(*k);
    ASSERT_EQ(cases.size(), 6u) << name;
    EXPECT_EQ(cases[3].problem.m, 130) << cases[3].label;
    EXPECT_EQ(cases[3].problem.n, 129) << cases[3].label;
    EXPECT_EQ(cases[3].problem.k, 300) << cases[3].label;
    EXPECT_EQ(cases[5].problem.m, 257) << cases[5].label;
    EXPECT_EQ(cases[5].problem.k, 520) << cases[5].label;
  }
}

bool same_bits(Format f, uint64_t x, uint64_t y) {
  return x == y || (is_nan(f, x) && is_nan(f, y));
}

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
  return buf;
}

// The inputs of output element e: row i of a (and column j of b), up to 48 terms; a row of
// an op-table op is n long.
std::string inputs_of(const Problem& p, int64_t i, int64_t j, bool op_row) {
  std::ostringstream s;
  const int64_t len = op_row ? p.n : p.k;
  const int64_t shown = std::min<int64_t>(len, 48);
  s << "a[" << i << "][0.." << shown << ") =";
  for (int64_t l = 0; l < shown; ++l) s << " " << hex(p.a.bits[static_cast<size_t>(i * len + l)]);
  if (!op_row && !p.b.empty()) {
    s << "\n  b[0.." << shown << ")[" << j << "] =";
    for (int64_t l = 0; l < shown; ++l) s << " " << hex(p.b.bits[static_cast<size_t>(l * p.n + j)]);
  }
  if (len > shown) s << " ... (" << (op_row ? "n" : "k") << " = " << len << ")";
  if (p.alpha != 1 || p.beta != 0)
    s << "\n  alpha=" << p.alpha << " beta=" << p.beta
      << (p.c.empty() ? "" : " c=" + hex(p.c.bits[static_cast<size_t>(i * p.n + j)]));
  return s.str();
}

struct Comparison {
  size_t differing = 0, first = 0;
  Tensor device, twin;
};

Comparison compare(const KernelDesc& k, const KernelDesc& twin, const Problem& p) {
  Comparison c;
  k.run(p, c.device);
  twin.run(p, c.twin);
  EXPECT_EQ(c.device.bits.size(), c.twin.bits.size()) << k.name;
  for (size_t e = 0; e < std::min(c.device.bits.size(), c.twin.bits.size()); ++e)
    if (!same_bits(k.recipe.out, c.device.bits[e], c.twin.bits[e]) && c.differing++ == 0)
      c.first = e;
  return c;
}

// Which architectures' twins reproduce the device on p: a diagnosis for a mismatch of a
// tensor-core kernel (the presets are the published models; the device may follow another).
std::string matching_architectures(const KernelDesc& k, const KernelDesc& twin, const Problem& p,
                                   const Tensor& device) {
  std::string out;
  for (std::string_view arch : tc::tc_architectures()) {
    const Registry r = Registry::build({.tc_arch = std::string(arch)});
    Tensor t;
    r.find(twin.name)->run(p, t);
    bool all = t.bits.size() == device.bits.size();
    for (size_t e = 0; all && e < t.bits.size(); ++e)
      all = same_bits(k.recipe.out, t.bits[e], device.bits[e]);
    if (all) out += (out.empty() ? "" : ", ") + std::string(arch);
  }
  return out.empty() ? "none" : out;
}

TEST(CudaDevice, EveryKernelMatchesItsTwinBitForBit) {
  SKIP_WITHOUT_DEVICE();
  std::vector<const KernelDesc*> kernels = on_device(Device::cuda, false);
  for (const KernelDesc* m : on_device(Device::cuda, true))
    if (find_kernel(m->twin_of) && find_kernel(m->twin_of)->mutant) kernels.push_back(m);
  ASSERT_FALSE(kernels.empty());
  for (const KernelDesc* k : kernels) {
    const KernelDesc* twin = find_kernel(k->twin_of);
    ASSERT_NE(twin, nullptr) << k->name;
    int64_t cases = 0, mismatches = 0;
    for (const Labeled& c : cases_for(*k)) {
      ++cases;
      const Comparison r = compare(*k, *twin, c.problem);
      if (r.differing == 0) continue;
      if (++mismatches > 3) continue;  // the first three mismatching cases in full
      const int64_t n = std::max<int64_t>(c.problem.n, 1), i = static_cast<int64_t>(r.first) / n,
                    j = static_cast<int64_t>(r.first) % n;
      ADD_FAILURE() << k->name << " differs from " << twin->name << " on " << c.label << ": "
                    << r.differing << " of " << r.device.size() << " elements; first [" << i << "]["
                    << j << "]: device " << hex(r.device.bits[r.first]) << " ("
                    << r.device.value(r.first) << "), twin " << hex(r.twin.bits[r.first]) << " ("
                    << r.twin.value(r.first) << ")\n  " << inputs_of(c.problem, i, j, table_op(*k))
                    << (tensor_core(*k) ? "\n  twin architectures reproducing the device: " +
                                              matching_architectures(*k, *twin, c.problem, r.device)
                                        : "");
    }
    std::printf("%-55s %3" PRId64 " cases, %" PRId64 " differ from the twin\n", k->name.c_str(),
                cases, mismatches);
    // Attention's cases are AttentionKernelsMatchTheirTwinsBitForBit's.
    if (k->op != "attention") {
      EXPECT_GT(cases, 0) << k->name;
    }
  }
}

// A device mutant whose declared twin is the correct kernel's twin must differ from it on
// some case (and agree where its bug does not show: K a multiple of the 32-wide K tile).
TEST(CudaDevice, MutantsWithTheCorrectTwinDifferFromIt) {
  SKIP_WITHOUT_DEVICE();
  int compared = 0;
  for (const KernelDesc* m : on_device(Device::cuda, true)) {
    const KernelDesc* twin = find_kernel(m->twin_of);
    ASSERT_NE(twin, nullptr) << m->name;
    if (twin->mutant) continue;  // compared bit for bit above
    ++compared;
    int64_t differing = 0;
    for (const Labeled& c : cases_for(*m)) {
      const Comparison r = compare(*m, *twin, c.problem);
      differing += r.differing > 0;
      if (m->name.find("dropped_k_tail") != std::string::npos && c.problem.k % 32 == 0) {
        EXPECT_EQ(r.differing, 0u) << m->name << " on " << c.label;
      }
    }
    EXPECT_GT(differing, 0) << m->name << " (" << m->bug << ") agreed with " << twin->name
                            << " on every case";
  }
  EXPECT_GE(compared, 1);  // mutant.gemm.fp16.tc-mma.dropped_k_tail
}

TEST(CudaDevice, KernelsStayWithinTheirRecipeBounds) {
  SKIP_WITHOUT_DEVICE();
  std::vector<const KernelDesc*> kernels = on_device(Device::cuda, false);
  for (const KernelDesc* k : on_device(Device::library, false)) kernels.push_back(k);
  ASSERT_FALSE(kernels.empty());
  CheckOptions opt;
  opt.cases = 20;
  opt.seed = kSeed;
  for (const KernelSummary& s : run_check(kernels, opt)) {
    std::printf("%-55s %4" PRId64 " cases, %4" PRId64 " failures, %4" PRId64
                " domain limits, max error/bound %.3g\n",
                s.kernel->name.c_str(), s.cases, s.failures, s.domain_limits, s.max_bound_ratio);
    EXPECT_EQ(s.failures, 0) << s.kernel->name << ": first failure "
                             << (s.first_failure
                                     ? "numguard check --kernel " + s.kernel->name + " --seed " +
                                           std::to_string(kSeed) + " --case " +
                                           std::to_string(s.first_failure->index) + " (" +
                                           s.first_failure->generator + ", " +
                                           std::string(name(s.first_failure->verdict)) + ")"
                                     : "");
  }
}

TEST(CudaDevice, DeviceMutantsAreCaughtByTheirBounds) {
  SKIP_WITHOUT_DEVICE();
  const auto mutants = on_device(Device::cuda, true);
  ASSERT_FALSE(mutants.empty());
  CheckOptions opt;
  opt.cases = 20;
  opt.seed = kSeed;
  for (const KernelSummary& s : run_check(mutants, opt))
    EXPECT_TRUE(s.first_failure.has_value())
        << s.kernel->name << " (" << s.kernel->bug << ") was not caught";
}

// ---------------------------------------------------------------------------------------
// Attention (attention.cu): the CUDA kernels of op attention and their twins, found in the
// kernel table. The twin is the CPU tiled algorithm (attention_rows.h) with the kernel's
// block; on a CPU-only machine the twins are checked, on a device the kernels against them.

std::vector<const KernelDesc*> attention_cuda_kernels() {
  std::vector<const KernelDesc*> out;
  for (const KernelDesc* k : with_device(Device::cuda, false))
    if (k->op == "attention" && !k->twin_of.empty()) out.push_back(k);
  return out;
}

struct AttnShape {
  int64_t m, n, k;
  std::vector<int64_t> lengths;  // empty: every row sees all n keys
};

// Around the 8-key tile (n = 1, 7, 8, 9, 17, many tiles), k around the 32-wide warp and the
// one-thread-per-column block (1, 7, 32, 33, 100), lengths masked (0: fully masked, causal,
// padding, negative and past n: clamped).
const std::vector<AttnShape> kAttnShapes = {{1, 1, 1, {}},
                                            {4, 8, 16, {}},
                                            {5, 9, 32, {}},
                                            {3, 17, 33, {}},
                                            {2, 1000, 8, {}},
                                            {2, 64, 100, {}},
                                            {6, 20, 7, {0, 1, 8, 9, 20, 25}},
                                            {8, 8, 4, {1, 2, 3, 4, 5, 6, 7, 8}},
                                            {3, 16, 5, {-3, 0, 16}},
                                            {4, 0, 3, {0, 0, 0, 0}}};

// One case of op attention: Q, K, V of the kernel's input format, uniform in [-1, 1] or (wide)
// in [-8, 8] (scores far apart: exp underflows, the rescale factor is tiny), scale fp32(1/sqrt k).
Problem attention_case(const KernelDesc& k, const AttnShape& s, uint64_t seed, bool wide) {
  Rng r(seed);
  const Format in = k.recipe.in;
  Problem p;
  p.m = s.m;
  p.n = s.n;
  p.k = s.k;
  p.a = Tensor(in, {p.m, p.k});
  p.b = Tensor(in, {p.n, p.k});
  p.c = Tensor(in, {p.n, p.k});
  const double w = wide ? 8 : 1;
  for (Tensor* t : {&p.a, &p.b, &p.c})
    for (auto& b : t->bits) b = to_bits(in, r.uniform(-w, w));
  p.lengths = s.lengths.empty() ? std::vector<int64_t>(static_cast<size_t>(p.m), p.n) : s.lengths;
  p.scalars = {
      static_cast<double>(1.0f / std::sqrt(static_cast<float>(std::max<int64_t>(p.k, 1))))};
  return p;
}

std::vector<Labeled> attention_cases(const KernelDesc& k) {
  std::vector<Labeled> out;
  uint64_t i = 0;
  for (const AttnShape& s : kAttnShapes) {
    for (bool wide : {false, true}) {
      std::ostringstream label;
      label << (wide ? "wide" : "uniform") << " m=" << s.m << " n=" << s.n << " k=" << s.k
            << (s.lengths.empty() ? " unmasked" : " masked");
      out.push_back({label.str(), attention_case(k, s, case_seed(kSeed + 1, i++), wide)});
    }
  }
  const int64_t generated = 20 * static_cast<int64_t>(case_generators().size());
  for (int64_t c = 0; c < generated; ++c) {
    std::string gen;
    Problem p = make_case(k, kSeed, c, &gen);
    out.push_back({"generator " + gen + " (--seed " + std::to_string(kSeed) + " --case " +
                       std::to_string(c) + ")",
                   std::move(p)});
  }
  return out;
}

// The first differing element of device and twin on an attention case, with its row's inputs.
std::string attention_mismatch(const Problem& p, const Tensor& device, const Tensor& twin,
                               Format f) {
  size_t differing = 0, first = 0;
  for (size_t e = 0; e < std::min(device.bits.size(), twin.bits.size()); ++e)
    if (!same_bits(f, device.bits[e], twin.bits[e]) && differing++ == 0) first = e;
  if (differing == 0 && device.bits.size() == twin.bits.size()) return "";
  std::ostringstream s;
  if (device.bits.size() != twin.bits.size()) {
    s << "device gives " << device.bits.size() << " elements, twin " << twin.bits.size();
    return s.str();
  }
  const int64_t i = static_cast<int64_t>(first) / std::max<int64_t>(p.k, 1),
                d = static_cast<int64_t>(first) % std::max<int64_t>(p.k, 1);
  s << differing << " of " << device.size() << " elements differ; first y[" << i << "][" << d
    << "] (row sees " << p.lengths.at(static_cast<size_t>(i)) << " of " << p.n << " keys): device "
    << hex(device.bits[first]) << " (" << device.value(first) << "), twin " << hex(twin.bits[first])
    << " (" << twin.value(first) << ")";
  return s.str();
}

TEST(CudaTwins, AttentionKernelsAreInTheTableWithTiledTwins) {
  const auto kernels = attention_cuda_kernels();
  ASSERT_GE(kernels.size(), 3u) << "fp16, bf16 and fp32 flash-style CUDA attention kernels";
  for (const KernelDesc* k : kernels) {
    SCOPED_TRACE(k->name);
    const KernelDesc* twin = find_kernel(k->twin_of);
    ASSERT_NE(twin, nullptr);
    EXPECT_EQ(twin->twin_of, k->name);
    EXPECT_EQ(k->recipe.method, Method::tiled);
    EXPECT_EQ(k->recipe.shape.block, 8);
    EXPECT_EQ(k->recipe.out, k->recipe.in);
    if (!device::status().available) {
      const Problem p = attention_case(*k, kAttnShapes[1], kSeed, false);
      Tensor y;
      EXPECT_THROW(k->run(p, y), std::runtime_error) << "no device: the launcher says why not";
    }
  }
}

// The twin is the CPU tiled kernel's algorithm with the same block: bit for bit the same.
TEST(CudaTwins, AttentionTwinsAreTheCpuTiledAlgorithm) {
  const auto kernels = attention_cuda_kernels();
  ASSERT_GE(kernels.size(), 3u) << "fp16, bf16 and fp32 flash-style CUDA attention kernels";
  for (const KernelDesc* k : kernels) {
    const KernelDesc* twin = find_kernel(k->twin_of);
    const std::string cpu_name = "attention." + std::string(name(k->recipe.in)) + ".fp32acc.tiled";
    const KernelDesc* cpu = find_kernel(cpu_name);
    ASSERT_NE(twin, nullptr) << k->name;
    ASSERT_NE(cpu, nullptr) << cpu_name;
    EXPECT_EQ(cpu->recipe.summary(), twin->recipe.summary()) << k->name;
    for (const Labeled& c : attention_cases(*k)) {
      Tensor a, b(k->recipe.out, {c.problem.m, c.problem.k});
      twin->run(c.problem, a);
      cpu->run(c.problem, b);
      const std::string why = attention_mismatch(c.problem, a, b, k->recipe.out);
      EXPECT_TRUE(why.empty()) << twin->name << " vs " << cpu_name << " on " << c.label << ": "
                               << why;
    }
  }
}

TEST(CudaTwins, AttentionTwinsPassTheirBounds) {
  std::vector<const KernelDesc*> twins;
  for (const KernelDesc* k : attention_cuda_kernels()) twins.push_back(find_kernel(k->twin_of));
  ASSERT_GE(twins.size(), 3u);
  expect_within_bounds(twins, 40);
}

// Every CUDA kernel of op attention against its twin, bitwise (NaN as NaN), on the shapes above
// and 20 generated cases per generator.
TEST(CudaDevice, AttentionKernelsMatchTheirTwinsBitForBit) {
  SKIP_WITHOUT_DEVICE();
  const auto kernels = attention_cuda_kernels();
  ASSERT_GE(kernels.size(), 3u);
  for (const KernelDesc* k : kernels) {
    const KernelDesc* twin = find_kernel(k->twin_of);
    ASSERT_NE(twin, nullptr) << k->name;
    int64_t cases = 0, mismatches = 0;
    for (const Labeled& c : attention_cases(*k)) {
      ++cases;
      Tensor device, expected;
      k->run(c.problem, device);
      twin->run(c.problem, expected);
      const std::string why = attention_mismatch(c.problem, device, expected, k->recipe.out);
      if (why.empty()) continue;
      if (++mismatches <= 3)
        ADD_FAILURE() << k->name << " differs from " << twin->name << " on " << c.label << ": "
                      << why;
    }
    std::printf("%-55s %3" PRId64 " cases, %" PRId64 " differ from the twin\n", k->name.c_str(),
                cases, mismatches);
  }
}

}  // namespace
}  // namespace numguard

// ---------------------------------------------------------------------------------------
// The warp-per-row norm kernels (norms.cu, docs/kernels.md). On a device they are in
// CudaDevice.* above with every CUDA kernel (ops of the op table: their generated cases, bit
// for bit against the twin, within the bound; the mutant compared with its buggy twin and
// caught); here the table entries and the twins, everywhere.

namespace numguard {
namespace {

// CUDA kernel name -> the sequential CPU kernel of the same algorithm.
std::vector<std::pair<std::string, std::string>> norm_warp_kernels() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const char* f : {"fp16", "bf16", "fp32"}) {
    const std::string in = f;
    out.push_back(
        {"layernorm." + in + ".fp32acc.warp32_twopass", "layernorm." + in + ".fp32acc.twopass"});
    out.push_back(
        {"layernorm." + in + ".fp32acc.warp32_welford", "layernorm." + in + ".fp32acc.welford"});
    out.push_back({"rmsnorm." + in + ".fp32acc.warp32", "rmsnorm." + in + ".fp32acc.direct"});
  }
  return out;
}

// The twin declares the sequential kernel's recipe but for the shape: strided over 32 lanes.
TEST(CudaKernelTable, NormWarpKernelsHaveStridedTwins) {
  for (const auto& [name, sequential] : norm_warp_kernels()) {
    SCOPED_TRACE(name);
    const KernelDesc* k = find_kernel(name);
    ASSERT_NE(k, nullptr) << "not registered";
    EXPECT_EQ(k->device, Device::cuda);
    EXPECT_EQ(k->twin_of, name + ".twin");
    const KernelDesc* twin = find_kernel(k->twin_of);
    ASSERT_NE(twin, nullptr);
    EXPECT_EQ(twin->twin_of, name);
    EXPECT_EQ(twin->recipe.summary(), k->recipe.summary());
    EXPECT_EQ(twin->recipe.shape.order, Order::strided);
    EXPECT_EQ(twin->recipe.shape.lanes, 32);
    const KernelDesc* seq = find_kernel(sequential);
    ASSERT_NE(seq, nullptr) << sequential;
    Recipe r = seq->recipe;
    r.shape = k->recipe.shape;
    EXPECT_EQ(r.summary(), k->recipe.summary()) << "against " << sequential;
  }
}

TEST(CudaTwins, NormWarpTwinsPassTheirBounds) {
  std::vector<const KernelDesc*> twins;
  for (const auto& [name, sequential] : norm_warp_kernels()) {
    const KernelDesc* t = find_kernel(name + ".twin");
    ASSERT_NE(t, nullptr) << name << ".twin";
    twins.push_back(t);
  }
  expect_within_bounds(twins, 40);
}

// Each fp32 twin differs from the sequential kernel of its algorithm on some row longer than
// the warp: the twins really reduce in the strided order.
TEST(CudaTwins, NormWarpTwinsReduceInTheStridedOrder) {
  int fp32_kernels = 0;
  for (const auto& [name, sequential] : norm_warp_kernels()) {
    if (name.find(".fp32.") == std::string::npos) continue;
    ++fp32_kernels;
    SCOPED_TRACE(name);
    const KernelDesc* twin = find_kernel(name + ".twin");
    const KernelDesc* seq = find_kernel(sequential);
    ASSERT_NE(twin, nullptr);
    ASSERT_NE(seq, nullptr);
    int64_t differing = 0;
    for (int64_t c = 0; c < 200 && differing == 0; ++c) {
      const Problem p = make_case(*twin, kSeed, c, nullptr);
      if (p.n <= 32) continue;
      Tensor a, b(Format::fp32, {p.m, p.n});
      twin->run(p, a);
      seq->run(p, b);
      for (size_t e = 0; e < a.bits.size(); ++e)
        differing += !same_bits(Format::fp32, a.bits[e], b.bits[e]);
    }
    EXPECT_GT(differing, 0) << "the strided twin agrees with " << sequential << " everywhere";
  }
  EXPECT_GE(fp32_kernels, 3);  // layernorm two-pass and Welford, rmsnorm
}

// The equal-count combine is Chan's when every lane holds the same count (n = 64: two each,
// bit for bit the correct twin) and differs on a ragged row (n = 33).
TEST(CudaTwins, NormWelfordMutantTwinDiffersOnlyOnARaggedRow) {
  const KernelDesc* good = find_kernel("layernorm.fp16.fp32acc.warp32_welford.twin");
  const KernelDesc* bad =
      find_kernel("mutant.layernorm.fp16.fp32acc.warp32_welford.equal_count_combine.twin");
  ASSERT_NE(good, nullptr);
  ASSERT_NE(bad, nullptr);
  for (int64_t n : {64, 33}) {
    Rng r(kSeed + static_cast<uint64_t>(n));
    Problem p;
    p.m = 2;
    p.n = n;
    p.a = Tensor(Format::fp16, {p.m, n});
    for (auto& b : p.a.bits) b = to_bits(Format::fp16, r.uniform(-2, 3));
    p.b = Tensor(Format::fp16, {n});
    for (auto& b : p.b.bits) b = to_bits(Format::fp16, r.uniform(0.5, 1.5));
    p.c = Tensor(Format::fp16, {n});
    for (auto& b : p.c.bits) b = to_bits(Format::fp16, r.uniform(-0.5, 0.5));
    p.scalars = {static_cast<double>(1e-5f)};
    Tensor g, m;
    good->run(p, g);
    bad->run(p, m);
    size_t differing = 0;
    for (size_t e = 0; e < g.bits.size(); ++e) differing += g.bits[e] != m.bits[e];
    if (n == 64)
      EXPECT_EQ(differing, 0u) << "equal counts: the combines agree";
    else
      EXPECT_GT(differing, 0u) << "n = 33: lane 0 holds 2 elements, lane 16 one";
  }
}

// ---------------------------------------------------------------------------------------
// The elementwise activation kernels with a bias (activation.cu, register_activation.cpp).
// The device tests above cover them as op-table kernels (bit for bit with the twin on the
// generated cases, within the bound, the device mutant caught); here: the pairing, the twins
// on the CPU, and (device) a tensor large enough for the grid-stride loop.

std::vector<std::string> activation_kernels() {
  std::vector<std::string> out;
  for (const char* op :
       {"gelu", "gelu_tanh", "silu", "gelu_backward", "gelu_tanh_backward", "silu_backward"})
    for (const char* f : {"fp16", "bf16", "fp32"})
      out.push_back(std::string(op) + "." + f + ".fp32acc.cuda_bias");
  return out;
}

// Each CUDA kernel names its twin and the twin names it back; both declare the recipe of the
// op's CPU kernel (the twin computes what that kernel computes).
TEST(CudaKernelTable, ActivationKernelsArePairedWithTheirTwins) {
  for (const std::string& n : activation_kernels()) {
    SCOPED_TRACE(n);
    const KernelDesc* k = find_kernel(n);
    ASSERT_NE(k, nullptr) << "not registered";
    EXPECT_EQ(k->device, Device::cuda);
    EXPECT_EQ(k->twin_of, n + ".twin");
    const KernelDesc* twin = find_kernel(n + ".twin");
    ASSERT_NE(twin, nullptr);
    EXPECT_EQ(twin->device, Device::cpu);
    EXPECT_EQ(twin->twin_of, n);
    const std::string direct = n.substr(0, n.size() - std::string("cuda_bias").size()) + "direct";
    const KernelDesc* cpu = find_kernel(direct);
    ASSERT_NE(cpu, nullptr) << direct;
    EXPECT_EQ(twin->recipe.summary(), cpu->recipe.summary());
    EXPECT_EQ(k->recipe.summary(), cpu->recipe.summary());
  }
  const KernelDesc* m = find_kernel("mutant.gelu.fp16.fp32acc.cuda_bias.bias_after_activation");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->device, Device::cuda);
  EXPECT_EQ(m->imitates, "gelu.fp16.fp32acc.cuda_bias");
}

TEST(CudaTwins, ActivationTwinsPassTheirBounds) {
  std::vector<const KernelDesc*> twins;
  for (const std::string& n : activation_kernels()) {
    const KernelDesc* t = find_kernel(n + ".twin");
    ASSERT_NE(t, nullptr) << n << ".twin";
    twins.push_back(t);
  }
  expect_within_bounds(twins, 20);
}

// x = 0, bias = -1: gelu(-1) = -0.1587 (fp16 -0.1587), the mutant's gelu(0) + (-1) = -1.
TEST(CudaTwins, ActivationMutantTwinAddsTheBiasAfterGelu) {
  Problem p;
  p.m = 2;
  p.n = 1;
  p.a = Tensor(Format::fp16, {2, 1});
  p.b = Tensor(Format::fp16, {1});
  p.a.bits[0] = to_bits(Format::fp16, 0.0);
  p.a.bits[1] = to_bits(Format::fp16, 8.0);
  p.b.bits[0] = to_bits(Format::fp16, -1.0);
  Tensor good, bad;
  find_kernel("gelu.fp16.fp32acc.cuda_bias.twin")->run(p, good);
  find_kernel("mutant.gelu.fp16.fp32acc.cuda_bias.bias_after_activation.twin")->run(p, bad);
  EXPECT_NEAR(good.value(0), -0.15866, 1e-3);
  EXPECT_EQ(bad.value(0), -1.0);
  EXPECT_EQ(good.value(1), 7.0);  // where gelu is the identity the order does not matter
  EXPECT_EQ(bad.value(1), 7.0);
}

// More elements than the grid has threads (1024 blocks x 256), with and without a bias, and
// n not a multiple of anything the grid is: every element against the twin, bit for bit.
TEST(CudaDevice, ActivationGridStrideMatchesTwin) {
  SKIP_WITHOUT_DEVICE();
  for (const std::string& n : activation_kernels()) {
    const KernelDesc* k = find_kernel(n);
    const KernelDesc* twin = find_kernel(k->twin_of);
    const Format in = k->recipe.in;
    for (bool with_bias : {true, false}) {
      Rng r(case_seed(kSeed, with_bias));
      Problem p;
      p.m = 1031;
      p.n = 301;
      p.a = Tensor(in, {p.m, p.n});
      for (auto& b : p.a.bits) b = to_bits(in, r.uniform(-6, 6));
      if (with_bias) {
        p.b = Tensor(in, {p.n});
        for (auto& b : p.b.bits) b = to_bits(in, r.uniform(-2, 2));
      }
      if (n.find("_backward") != std::string::npos) {
        p.c = Tensor(in, {p.m, p.n});
        for (auto& b : p.c.bits) b = to_bits(in, r.uniform(-1, 1));
      }
      const Comparison c = compare(*k, *twin, p);
      EXPECT_EQ(c.differing, 0u) << n << (with_bias ? " with" : " without") << " bias: first at "
                                 << c.first << ": device " << hex(c.device.bits[c.first])
                                 << ", twin " << hex(c.twin.bits[c.first]);
    }
  }
}

}  // namespace
}  // namespace numguard
