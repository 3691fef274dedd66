// Every op of the table works everywhere, with no per-op code in this file: an op that
// registers its entry is checked, has its relations run, round-trips through a reproducer file,
// decodes from fuzz bytes, runs in the studies it opts into and reaches a plugin kernel through
// the plugin ABI. Adding an op is adding its own files; this test then covers it. Cases come
// from fixed seeds; a failure names the op, the kernel and the seed.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "fuzz/fuzz_input.h"
#include "harness/core/rounding.h"
#include "harness/engine/check_runner.h"
#include "harness/engine/generators.h"
#include "harness/engine/op.h"
#include "harness/engine/random.h"
#include "harness/engine/registry.h"
#include "harness/engine/reproducer_file.h"
#include "harness/studies/accumulation_inputs.h"
#include "harness/studies/range_cliffs.h"
#include "harness/studies/range_inputs.h"
#include "references/mx_block.h"

namespace numguard {
namespace {

std::vector<const KernelDesc*> correct_cpu_kernels(const OpInfo& op) {
  std::vector<const KernelDesc*> out;
  for (const KernelDesc* k : select_kernels("*", false))
    if (k->op == op.name && k->device == Device::cpu) out.push_back(k);
  return out;
}

const std::vector<const OpInfo*>& ops() {
  const auto& t = op_table();
  EXPECT_GE(t.size(), 21u) << "the op table lost entries";
  return t;
}

TEST(OpCoverage, EveryEntryIsCompleteAndHasKernels) {
  ASSERT_FALSE(ops().empty());
  for (const OpInfo* op : ops()) {
    EXPECT_EQ(op_entry_error(*op), "") << op->name;
    EXPECT_FALSE(correct_cpu_kernels(*op).empty()) << op->name << " has no correct CPU kernel";
  }
}

// The entries' fuzz families are exactly the wrappers fuzz/families.txt builds.
TEST(OpCoverage, FuzzFamiliesAreTheBuiltWrappers) {
  std::ifstream in(std::string(NUMGUARD_SOURCE_DIR) + "/fuzz/families.txt");
  ASSERT_TRUE(in) << "fuzz/families.txt";
  std::set<std::string> listed;
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '#') listed.insert(line);
  const std::vector<std::string> used = fuzz::fuzz_families();
  ASSERT_FALSE(used.empty());
  EXPECT_EQ(listed, std::set<std::string>(used.begin(), used.end()));
}

// Three cases of every generator for every correct CPU kernel of every op pass the check.
TEST(OpCoverage, EveryOpsCorrectKernelsPassTheirCheck) {
  const int64_t gens = static_cast<int64_t>(case_generators().size());
  for (const OpInfo* op : ops()) {
    int64_t judged = 0;
    for (const KernelDesc* k : correct_cpu_kernels(*op))
      for (int64_t i = 0; i < 3 * gens; ++i) {
        const CaseOutcome c = evaluate_case(*k, make_case(*k, 7, i));
        EXPECT_FALSE(is_failure(c.verdict)) << "numguard check --kernel " << k->name
                                            << " --seed 7 --case " << i << ": " << name(c.verdict);
        judged += !c.domain_limit;
      }
    EXPECT_GT(judged, 0) << op->name << ": every case was a domain limit";
  }
}

// Each relation of each op holds on every correct CPU kernel of the op over 12 draws, and the
// draws compare elements: at least one per two draws on average (a relation that skips
// everything checks nothing).
TEST(OpCoverage, EveryRelationHoldsOnEveryCorrectKernel) {
  int relations = 0;
  for (const OpInfo* op : ops())
    for (const Relation& rel : op->relations) {
      ++relations;
      int64_t compared = 0, draws = 0;
      for (const KernelDesc* k : correct_cpu_kernels(*op))
        for (uint64_t draw = 0; draw < 12; ++draw) {
          Rng r(case_seed(0x5e1a7, draw));
          int64_t checked = 0;
          const std::string why = rel.check(*k, r, &checked);
          EXPECT_EQ(why, "") << op->name << " " << rel.name << " on " << k->name << ", draw "
                             << draw;
          compared += checked;
          ++draws;
        }
      EXPECT_GE(compared, draws / 2) << op->name << " " << rel.name << " compared too few elements";
    }
  EXPECT_GE(relations, 20) << "most ops declare a relation";
}

// A kernel that is right or 1/64 off depending on a hash of its inputs: what a relation
// comparing two runs must catch.
KernelDesc saboteur(const KernelDesc& k) {
  KernelDesc s = k;
  s.run = [run = k.run](const Problem& p, Tensor& out) {
    run(p, out);
    uint64_t h = 1469598103934665603ull;
    for (const Tensor* t : {&p.a, &p.b, &p.c, &p.d})
      for (uint64_t b : t->bits) h = (h ^ b) * 1099511628211ull;
    if ((h >> 17) & 1)
      for (uint64_t& b : out.bits)
        b = round_double(out.format, decode(out.format, b) * 1.015625).bits;
  };
  return s;
}

// Every relation can fail: on the saboteur of the op's first correct kernel it fails within
// 12 draws.
TEST(OpCoverage, EveryRelationCatchesAKernelThatDependsOnItsInputsBits) {
  for (const OpInfo* op : ops())
    for (const Relation& rel : op->relations) {
      const KernelDesc bad = saboteur(*correct_cpu_kernels(*op).front());
      bool caught = false;
      for (uint64_t draw = 0; draw < 12 && !caught; ++draw) {
        Rng r(case_seed(0x5e1a7, draw));
        int64_t checked = 0;
        caught = !rel.check(bad, r, &checked).empty();
      }
      EXPECT_TRUE(caught) << op->name << " " << rel.name << " never failed on " << bad.name;
    }
}

// A case of every generator, written as a reproducer file and read back, is the same case:
// same bits, the op's schema accepts it, the kernel gives the same outputs and verdict.
TEST(OpCoverage, EveryOpRoundTripsThroughAReproducerFile) {
  for (const OpInfo* op : ops()) {
    const KernelDesc& k = *correct_cpu_kernels(*op).front();
    for (int64_t i = 0; i < static_cast<int64_t>(case_generators().size()); ++i) {
      Reproducer r;
      r.kernel = k.name;
      r.op = k.op;
      r.problem = make_case(k, 3, i);
      EXPECT_EQ(operand_mismatch(k, r.problem), "") << k.name << " case " << i;
      std::string error;
      const std::optional<Reproducer> back = parse_reproducer(format_reproducer(r), &error);
      ASSERT_TRUE(back) << k.name << " case " << i << ": " << error;
      EXPECT_EQ(operand_mismatch(k, back->problem), "") << k.name << " case " << i;
      Tensor want, got;
      const CaseOutcome a = evaluate_case(k, r.problem, &want);
      const CaseOutcome b = evaluate_case(k, back->problem, &got);
      EXPECT_EQ(want.bits, got.bits) << k.name << " case " << i;
      EXPECT_EQ(a.verdict, b.verdict) << k.name << " case " << i;
    }
  }
}

// Fuzz bytes decode into cases the op's schema accepts, which its correct kernels pass.
TEST(OpCoverage, EveryOpDecodesFromFuzzBytes) {
  for (const OpInfo* op : ops()) {
    const std::vector<const KernelDesc*> ks = correct_cpu_kernels(*op);
    Rng r(0xf022);
    for (int input = 0; input < 40; ++input) {
      std::vector<uint8_t> bytes(static_cast<size_t>(r.integer(1, 600)));
      for (uint8_t& b : bytes) b = static_cast<uint8_t>(r.integer(0, 255));
      const std::optional<fuzz::FuzzCase> c = fuzz::decode_fuzz_input(bytes, ks);
      ASSERT_TRUE(c) << op->name << " input " << input;
      EXPECT_EQ(operand_mismatch(*c->kernel, c->problem), "") << op->name << " input " << input;
      const CaseOutcome o = evaluate_case(*c->kernel, c->problem);
      EXPECT_FALSE(is_failure(o.verdict))
          << c->kernel->name << " on fuzz input " << input << ": " << name(o.verdict);
    }
  }
}

// The range study's pattern and cliffs exist for every op and its problems fit the schema;
// the accumulation study builds every op it sweeps at two lengths for each distribution.
TEST(OpCoverage, EveryOpRunsInTheStudies) {
  int swept = 0;
  for (const OpInfo* op : ops()) {
    const KernelDesc& k = *correct_cpu_kernels(*op).front();
    const RangePattern pat = studies::range_pattern(k, 1);
    EXPECT_FALSE(studies::range_cliffs(k, pat).empty()) << op->name;
    for (double s : {1.0, 8.0}) {
      const Problem p = studies::range_problem(k, pat, s);
      EXPECT_EQ(operand_mismatch(k, p), "") << op->name << " range problem at " << s;
      EXPECT_NE(evaluate_case(k, p).verdict, Verdict::kernel_error) << op->name;
    }
    if (!op->accumulation) continue;
    ++swept;
    for (const studies::Distribution& d : studies::distributions()) {
      if (d.kind == studies::DistKind::gendot && !op->accumulation->gendot) continue;
      for (int64_t n : {16, 100}) {
        const Problem p = studies::accumulation_problem(k, d, n, 0, 1);
        EXPECT_EQ(operand_mismatch(k, p), "") << op->name << " " << d.name << " n = " << n;
        EXPECT_NE(evaluate_case(k, p).verdict, Verdict::kernel_error) << op->name << " " << d.name;
      }
    }
  }
  EXPECT_EQ(swept, static_cast<int>(studies::accumulation_ops().size()));
  EXPECT_GE(swept, 10);
}

// What schema_probe_plugin.c records of the last call.
struct ProbeRecord {
  int64_t m, n, k;
  double alpha, beta;
  int64_t counts[4];
  int64_t lengths, scalars, out;
  int calls;
};

// A plugin kernel of every op (tests/plugins/schema_probe_plugin.c, told the op names through
// its environment) receives through the C ABI every operand the op's schema names, and numguard
// asks it for the schema's output count.
TEST(OpCoverage, EveryOpReachesAPluginKernelThroughTheAbi) {
  const char* path = std::getenv("NUMGUARD_SCHEMA_PROBE");
  if (!path) GTEST_SKIP() << "NUMGUARD_SCHEMA_PROBE (the probe plugin) not set";
  // "op" or "op/FORMAT": an op that quantizes into a block format is declared with one.
  std::string names;
  for (const OpInfo* op : ops())
    names += (names.empty() ? "" : ",") + op->name +
             (op->recipe_use.block_scaling ? "/" + std::string(mx::block_formats()[0].name) : "");
  ::setenv("NUMGUARD_SCHEMA_PROBE_OPS", names.c_str(), 1);
  const Registry reg = Registry::build({.plugins = {path}});
  void* lib = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
  ASSERT_NE(lib, nullptr) << "the registry keeps the plugin loaded";
  using Last = const ProbeRecord* (*)();
  const auto last = reinterpret_cast<Last>(dlsym(lib, "schema_probe_last"));
  ASSERT_NE(last, nullptr);
  for (const OpInfo* op : ops()) {
    const KernelDesc* k = reg.find("probe." + op->name);
    ASSERT_NE(k, nullptr) << op->name;
    for (int64_t i = 0; i < static_cast<int64_t>(case_generators().size()); ++i) {
      const Problem p = make_case(*k, 5, i);
      Tensor out(k->recipe.out, op->out_shape(p));
      const int calls = last()->calls;
      k->run(p, out);
      const ProbeRecord& rec = *last();
      ASSERT_EQ(rec.calls, calls + 1) << k->name;
      EXPECT_EQ(rec.m, p.m) << k->name;
      EXPECT_EQ(rec.n, p.n) << k->name;
      EXPECT_EQ(rec.k, p.k) << k->name;
      EXPECT_EQ(rec.alpha, p.alpha) << k->name;
      EXPECT_EQ(rec.beta, p.beta) << k->name;
      const Tensor* slots[] = {&p.a, &p.b, &p.c, &p.d};
      for (int s = 0; s < 4; ++s)
        EXPECT_EQ(rec.counts[s], static_cast<int64_t>(slots[s]->size()))
            << k->name << " slot " << s;
      EXPECT_EQ(rec.lengths, static_cast<int64_t>(p.lengths.size())) << k->name;
      EXPECT_EQ(rec.scalars, static_cast<int64_t>(p.scalars.size())) << k->name;
      EXPECT_EQ(rec.out, static_cast<int64_t>(out.size())) << k->name;
      EXPECT_EQ(operand_mismatch(*k, p), "") << k->name;
    }
  }
}

}  // namespace
}  // namespace numguard
