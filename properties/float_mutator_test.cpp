// The float-aware mutator (fuzz/float_mutator.h): it stays within libFuzzer's contract
// (never more than max_size, the same output for the same seed, every output a decodable
// case) and each mutation does what its name claims on the decoded tensors.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <vector>

#include "fuzz/float_mutator.h"
#include "fuzz/fuzz_input.h"
#include "fuzz/op_input.h"
#include "fuzz/value_stream.h"
#include "harness/engine/generators.h"
#include "harness/engine/op.h"

namespace numguard::fuzz {
namespace {

using Bytes = std::vector<uint8_t>;
using Kernels = std::vector<const KernelDesc*>;

// Every CPU kernel, correct and mutant, reduction family and op table alike: what an
// unpinned or pinned numguard-fuzz run hands the mutator.
const Kernels& all_kernels() {
  static const Kernels ks = [] {
    Kernels out = fuzz_candidates("").kernels;
    for (const KernelDesc* k : fuzz_candidates("mutant.*").kernels)
      if (k->device == Device::cpu) out.push_back(k);
    return out;
  }();
  return ks;
}

const KernelDesc* first_kernel(const std::function<bool(const KernelDesc&)>& want) {
  for (const KernelDesc* k : all_kernels())
    if (want(*k)) return k;
  return nullptr;
}

bool reduction(const KernelDesc& k) {
  return explicit_layout(k);
}

size_t no_fallback(uint8_t*, size_t size, size_t) {
  return size;
}

// The tensors an input decodes into (A, B, C or a, b, c, d), nullopt if it does not decode.
std::optional<std::vector<Tensor>> decoded(const Bytes& in, const Kernels& ks) {
  if (in.empty()) return std::nullopt;
  if (reduction(*ks[in[0] % ks.size()])) {
    const auto g = decode_gemm_input(in, ks);
    if (!g) return std::nullopt;
    return std::vector<Tensor>{g->problem.a, g->problem.b, g->problem.c};
  }
  const auto o = decode_op_input(in, ks);
  if (!o) return std::nullopt;
  return std::vector<Tensor>{o->problem.a, o->problem.b, o->problem.c, o->problem.d};
}

// A case of `k` whose value stream gives every element bytes of its own, so that a change to
// one element's bytes changes that element only.
Bytes unrolled_case(const KernelDesc& k, uint8_t shape_or_generator, uint8_t modes,
                    uint32_t fill_seed) {
  Bytes in(kOpHeaderBytes, 0);
  if (reduction(k)) {
    in[1] = 3, in[2] = 2;        // gemm: 4 x 3
    in[3] = shape_or_generator;  // k
    in[5] = modes;               // A, B, C
  } else {
    in[1] = shape_or_generator;  // generator
    in[2] = 7;                   // its seed
    in[6] = modes;               // a, b, c, d
  }
  const Kernels one = {&k};
  const auto layout = stream_layout(in, one);
  Rng r(fill_seed);
  for (size_t i = 0; i < layout->stream_bytes(); ++i) in.push_back(static_cast<uint8_t>(r.bits()));
  return in;
}

struct Mutated {
  Bytes before, after;
  std::vector<Tensor> t0, t1;
};

std::optional<Mutated> mutate(Mutation m, const Bytes& in, const KernelDesc& k, unsigned seed) {
  Mutated r{in, in, {}, {}};
  r.after.resize(in.size() + 4096);
  const Kernels one = {&k};
  const auto size = apply_mutation(m, r.after.data(), in.size(), r.after.size(), seed, one);
  if (!size) return std::nullopt;
  r.after.resize(*size);
  r.t0 = *decoded(r.before, one);
  r.t1 = *decoded(r.after, one);
  return r;
}

struct Changed {
  size_t tensor, index;
};
std::vector<Changed> changed_elements(const Mutated& m) {
  std::vector<Changed> c;
  for (size_t t = 0; t < m.t0.size(); ++t)
    for (size_t i = 0; i < m.t0[t].size(); ++i)
      if (m.t0[t].bits[i] != m.t1[t].bits[i]) c.push_back({t, i});
  return c;
}

bool header_equal(const Bytes& a, const Bytes& b, size_t header) {
  for (size_t i = 0; i < header; ++i)
    if ((i < a.size() ? a[i] : 0) != (i < b.size() ? b[i] : 0)) return false;
  return true;
}

uint64_t field_of(const FormatDesc& d, uint64_t bits) {
  return (bits >> d.frac_field_bits) & d.exp_field_max();
}

const KernelDesc& fp16_gemm() {
  static const KernelDesc* k = first_kernel([](const KernelDesc& k) {
    return k.op == "gemm" && !k.mutant && k.recipe.in == Format::fp16;
  });
  return *k;
}

constexpr unsigned kSeeds = 300;

// ---- libFuzzer's contract ----------------------------------------------------------------

RC_GTEST_PROP(FloatMutator, NeverExceedsMaxSizeAndAlwaysDecodes, (Bytes in, unsigned seed)) {
  const auto max_size = static_cast<size_t>(*rc::gen::inRange(0, 5000));
  Bytes buf = in;
  buf.resize(std::max(in.size(), max_size) + 1, 0xAA);
  const size_t out = float_mutate(buf.data(), std::min(in.size(), max_size), max_size, seed,
                                  all_kernels(), &no_fallback);
  RC_ASSERT(out <= max_size);
  RC_ASSERT(buf[std::max(in.size(), max_size)] == 0xAA);  // nothing written past max_size
  buf.resize(out);
  if (!buf.empty()) {
    const KernelDesc& k = *all_kernels()[buf[0] % all_kernels().size()];
    if (reduction(k) || find_op(k.op)) RC_ASSERT(decoded(buf, all_kernels()).has_value());
  }
}

RC_GTEST_PROP(FloatMutator, EveryMutationStaysWithinMaxSize, (Bytes in, unsigned seed)) {
  const auto max_size = static_cast<size_t>(*rc::gen::inRange(1, 3000));
  const auto m = static_cast<Mutation>(*rc::gen::inRange(0, kMutationKinds));
  Bytes buf = in;
  buf.resize(std::max(in.size(), max_size), 0);
  const auto out =
      apply_mutation(m, buf.data(), std::min(in.size(), max_size), max_size, seed, all_kernels());
  RC_ASSERT(!out || (*out >= 1 && *out <= max_size));
}

TEST(FloatMutator, IsDeterministicForASeed) {
  const Bytes in = unrolled_case(fp16_gemm(), 40, 0, 1);
  for (unsigned seed = 0; seed < kSeeds; ++seed) {
    Bytes a = in, b = in;
    a.resize(8192), b.resize(8192);
    const size_t na = float_mutate(a.data(), in.size(), a.size(), seed, all_kernels(), no_fallback);
    const size_t nb = float_mutate(b.data(), in.size(), b.size(), seed, all_kernels(), no_fallback);
    ASSERT_EQ(na, nb);
    ASSERT_TRUE(std::equal(a.begin(), a.begin() + na, b.begin()));
  }
}

TEST(FloatMutator, LeavesAboutOneCallInThreeToLibFuzzer) {
  static int calls = 0;
  const Bytes in = unrolled_case(fp16_gemm(), 40, 0, 1);
  for (unsigned seed = 0; seed < 900; ++seed) {
    Bytes b = in;
    b.resize(8192);
    float_mutate(b.data(), in.size(), b.size(), seed, all_kernels(),
                 [](uint8_t*, size_t s, size_t) { return ++calls, s; });
  }
  EXPECT_GT(calls, 900 / 5);
  EXPECT_LT(calls, 900 / 2);
}

TEST(FloatMutator, EveryMutationTurnsTheEmptyInputIntoACase) {
  for (int m = 0; m < kMutationKinds; ++m)
    for (unsigned seed = 0; seed < 50; ++seed) {
      uint8_t buf[64] = {};
      const auto n =
          apply_mutation(static_cast<Mutation>(m), buf, 0, sizeof buf, seed, all_kernels());
      ASSERT_TRUE(n) << name(static_cast<Mutation>(m));  // the selector byte at least
      EXPECT_TRUE(decoded(Bytes(buf, buf + *n), all_kernels()) ||
                  !find_op(all_kernels()[buf[0] % all_kernels().size()]->op));
    }
}

// ---- where the elements lie --------------------------------------------------------------

TEST(FloatMutator, LayoutPlacesEachElementWhereTheDecoderReadsIt) {
  int kernels = 0, operands = 0;
  for (const KernelDesc* k : all_kernels()) {
    if (!reduction(*k) && !find_op(k->op)) continue;
    ++kernels;
    const Kernels one = {k};
    // Every tensor read as raw bits (mode 0 in the reduction layout, code 1 in the op one).
    const Bytes in = unrolled_case(*k, reduction(*k) ? 17 : 9, reduction(*k) ? 0 : 0x55, 3);
    const auto layout = stream_layout(in, one);
    ASSERT_TRUE(layout) << k->name;
    const auto t0 = *decoded(in, one);
    for (const StreamOperand& op : layout->operands) {
      if (op.keep) continue;
      ++operands;
      const size_t i = op.elements / 2;
      Bytes b = in;
      b[layout->header + op.first + (i + 1) * op.width - 1] ^= 0x40;  // an exponent bit
      const auto t1 = *decoded(b, one);
      for (size_t t = 0; t < t0.size(); ++t)
        for (size_t j = 0; j < t0[t].size(); ++j)
          if (t0[t].bits[j] != t1[t].bits[j]) {
            ASSERT_TRUE(static_cast<int>(t) == op.tensor && j == i) << k->name;
          }
    }
  }
  // Measured: 263 kernels (all of them), 467 operands; half of each.
  EXPECT_GE(kernels, 131);
  EXPECT_GE(operands, 233);
}

// ---- each mutation does what it claims ---------------------------------------------------

TEST(FloatMutator, ExponentStepMovesOneElementsExponentOnly) {
  const KernelDesc& k = fp16_gemm();
  const FormatDesc& d = desc(k.recipe.in);
  for (unsigned seed = 0; seed < kSeeds; ++seed) {
    const auto m = mutate(Mutation::exponent_step, unrolled_case(k, 40, 0, seed), k, seed);
    ASSERT_TRUE(m);
    const auto c = changed_elements(*m);
    ASSERT_EQ(c.size(), 1u) << seed;
    const uint64_t a = m->t0[c[0].tensor].bits[c[0].index], b = m->t1[c[0].tensor].bits[c[0].index];
    EXPECT_NE(field_of(d, a), field_of(d, b));
    EXPECT_EQ(a & d.sign_mask(), b & d.sign_mask());
    // The fraction stays, except that a step onto the subnormal field keeps the value nonzero.
    if (field_of(d, b) != 0 || (a & d.frac_mask()) != 0) {
      EXPECT_EQ(a & d.frac_mask(), b & d.frac_mask());
    }
  }
}

TEST(FloatMutator, ExponentEdgePutsOneElementAtAnEndOfTheExponentRange) {
  const KernelDesc& k = fp16_gemm();
  const FormatDesc& d = desc(k.recipe.in);
  int moved = 0;
  for (unsigned seed = 0; seed < kSeeds; ++seed) {
    const auto m = mutate(Mutation::exponent_edge, unrolled_case(k, 40, 0, seed), k, seed);
    ASSERT_TRUE(m);
    const auto c = changed_elements(*m);
    ASSERT_LE(c.size(), 1u);  // an element already at that edge stays
    if (c.empty()) continue;
    ++moved;
    const uint64_t f = field_of(d, m->t1[c[0].tensor].bits[c[0].index]);
    EXPECT_TRUE(f == 0 || f == 1 || f == d.exp_field_max() - 1 || f == d.exp_field_max()) << f;
  }
  EXPECT_GE(moved, static_cast<int>(kSeeds) / 2);  // 290 of 300 measured
}

TEST(FloatMutator, SpecialValueWritesASpecialOrPlantsOne) {
  const KernelDesc& k = fp16_gemm();
  const FormatDesc& d = desc(k.recipe.in);
  int plants = 0, written = 0;
  for (unsigned seed = 0; seed < kSeeds; ++seed) {
    const Bytes in = unrolled_case(k, 40, 0, seed);
    const auto m = mutate(Mutation::special_value, in, k, seed);
    ASSERT_TRUE(m);
    if (!header_equal(m->before, m->after, kHeaderBytes)) {  // the header's plant
      ++plants;
      EXPECT_NE(m->after[7] & 7, 0);
      continue;
    }
    const auto c = changed_elements(*m);
    ASSERT_LE(c.size(), 1u);
    if (c.empty()) continue;
    ++written;
    const uint64_t b = m->t1[c[0].tensor].bits[c[0].index] & ~d.sign_mask();
    const FpClass cl = classify(k.recipe.in, b);
    EXPECT_TRUE(cl == FpClass::zero || cl == FpClass::inf || cl == FpClass::nan ||
                b == d.min_subnormal_bits() || b == d.min_normal_bits() - d.min_subnormal_bits() ||
                b == d.min_normal_bits() || b == d.max_finite_bits())
        << std::hex << b;
  }
  // Measured: 95 plants and 205 written specials of 300; about half of each.
  EXPECT_GE(plants, static_cast<int>(kSeeds) / 6);
  EXPECT_GE(written, static_cast<int>(kSeeds) / 3);
}

TEST(FloatMutator, TieLandsOnAMidpointOfTheFormatTheKernelRoundsInto) {
  // fp16 inputs whose result is rounded into e4m3: the only narrower format of its recipe.
  const KernelDesc* k = first_kernel([](const KernelDesc& k) {
    return find_op(k.op) && k.recipe.in == Format::fp16 && k.recipe.out == Format::e4m3 &&
           !k.recipe.stage && !k.recipe.input_cast;
  });
  ASSERT_NE(k, nullptr);
  const int p = desc(Format::e4m3).precision, p_in = desc(Format::fp16).precision;
  int ties = 0;
  for (unsigned seed = 0; seed < kSeeds; ++seed) {
    const Bytes in = unrolled_case(*k, 0, 0x55 /* every tensor raw */, seed);
    const auto m = mutate(Mutation::tie, in, *k, seed);
    ASSERT_TRUE(m);
    const auto c = changed_elements(*m);
    ASSERT_LE(c.size(), 1u);
    if (c.empty()) continue;  // already that tie
    const double x = std::fabs(m->t1[c[0].tensor].value(c[0].index));
    ASSERT_TRUE(std::isnormal(x));
    // In units of e4m3's spacing at x: a half, or one fp16 unit either side of it.
    const double spacing = std::ldexp(1.0, std::ilogb(x) - (p - 1));
    const double rem = std::fmod(x, spacing) / spacing;
    const double in_unit = std::ldexp(1.0, std::ilogb(x) - (p_in - 1)) / spacing;
    const bool on_tie = rem == 0.5, beside = std::fabs(rem - 0.5) == in_unit;
    EXPECT_TRUE(on_tie || beside) << k->name << " x=" << x << " rem=" << rem;
    ties += on_tie;
  }
  EXPECT_GT(ties, static_cast<int>(kSeeds) / 3);  // exact ties are the common case
}

TEST(FloatMutator, ScaleOperandMovesEveryRawExponentByTheSameK) {
  const KernelDesc& k = fp16_gemm();
  const FormatDesc& d = desc(k.recipe.in);
  const auto top = static_cast<int64_t>(d.exp_field_max()) - 1;  // largest finite field
  int scaled = 0;
  for (unsigned seed = 0; seed < kSeeds; ++seed) {
    const auto m = mutate(Mutation::scale_operand, unrolled_case(k, 40, 0, seed), k, seed);
    ASSERT_TRUE(m);
    const auto c = changed_elements(*m);
    if (c.empty()) continue;  // a k that takes every element out of range
    ++scaled;
    const size_t t = c[0].tensor;
    const int64_t kk = static_cast<int64_t>(field_of(d, m->t1[t].bits[c[0].index])) -
                       static_cast<int64_t>(field_of(d, m->t0[t].bits[c[0].index]));
    ASSERT_NE(kk, 0);
    for (size_t i = 0; i < m->t0[t].size(); ++i) {
      const uint64_t a = m->t0[t].bits[i], b = m->t1[t].bits[i];
      const auto f = static_cast<int64_t>(field_of(d, a));
      const bool in_range = f >= 1 && f <= top && f + kk >= 1 && f + kk <= top;
      if (in_range) {
        EXPECT_EQ(static_cast<int64_t>(field_of(d, b)), f + kk) << "element " << i;
        EXPECT_EQ(a & ~(d.exp_field_max() << d.frac_field_bits),
                  b & ~(d.exp_field_max() << d.frac_field_bits));
      } else {
        EXPECT_EQ(a, b) << "element " << i << " left in place";
      }
    }
    for (size_t u = 0; u < m->t0.size(); ++u)
      if (u != t) {
        EXPECT_EQ(m->t0[u].bits, m->t1[u].bits) << "one operand only";
      }
  }
  EXPECT_GE(scaled, static_cast<int>(kSeeds) / 2);  // 300 of 300 measured
}

TEST(FloatMutator, ShapeMovesKToATileEdgeOrChangesMN) {
  const KernelDesc& k = fp16_gemm();
  const Kernels one = {&k};
  const Accumulation& a = k.recipe.shape;
  int mn = 0, ks = 0;
  for (unsigned seed = 0; seed < kSeeds; ++seed) {
    const auto m = mutate(Mutation::shape, unrolled_case(k, 40, 0, seed), k, seed);
    if (!m) continue;
    const auto before = decode_gemm_input(m->before, one)->problem;
    const auto after = decode_gemm_input(m->after, one)->problem;
    if (after.m != before.m || after.n != before.n) {
      ++mn;
      EXPECT_EQ(after.k, before.k);
      continue;
    }
    ++ks;
    const int64_t kk = after.k;
    bool edge = kk <= 3 || kk == kMaxK;
    for (int t : {16, a.block, a.fanin, a.lanes, a.splits})
      if (t > 1) edge = edge || kk % t == 0 || kk % t == 1 || kk % t == t - 1;
    EXPECT_TRUE(edge) << "k = " << kk;
  }
  // Measured: 95 M/N changes and 205 K moves of 300; about half of each.
  EXPECT_GE(mn, static_cast<int>(kSeeds) / 6);
  EXPECT_GE(ks, static_cast<int>(kSeeds) / 3);
}

TEST(FloatMutator, ShapeOfAnOpIsItsGeneratorOrSeed) {
  const KernelDesc* k = first_kernel([](const KernelDesc& k) { return k.op == "softmax"; });
  ASSERT_NE(k, nullptr);
  for (unsigned seed = 0; seed < kSeeds; ++seed) {
    const auto m = mutate(Mutation::shape, unrolled_case(*k, 0, 0, seed), *k, seed);
    ASSERT_TRUE(m);
    for (size_t i = 0; i < m->after.size(); ++i)
      if (i < 1 || i > 5) {
        ASSERT_EQ(m->before[i], m->after[i]) << "byte " << i;
      }
  }
}

TEST(FloatMutator, ValueModesChangesOnlyTheModesByte) {
  const KernelDesc* op_kernel = first_kernel([](const KernelDesc& k) { return k.op == "softmax"; });
  ASSERT_NE(op_kernel, nullptr);
  for (const KernelDesc* k : {&fp16_gemm(), op_kernel}) {
    const size_t modes = reduction(*k) ? 5 : 6;
    for (unsigned seed = 0; seed < kSeeds; ++seed) {
      const auto m = mutate(Mutation::value_modes, unrolled_case(*k, 40, 0, seed), *k, seed);
      ASSERT_TRUE(m);
      ASSERT_EQ(m->before.size(), m->after.size());
      for (size_t i = 0; i < m->after.size(); ++i)
        if (i != modes) {
          ASSERT_EQ(m->before[i], m->after[i]);
        }
      EXPECT_NE(m->before[modes], m->after[modes]);
    }
  }
}

TEST(FloatMutator, ElementMovesOnAnOpSwitchAKeptTensorToBits) {
  const KernelDesc* k = first_kernel([](const KernelDesc& k) { return k.op == "layernorm"; });
  ASSERT_NE(k, nullptr);
  int mutated = 0;
  for (unsigned seed = 0; seed < kSeeds; ++seed) {
    const auto m = mutate(Mutation::exponent_step, unrolled_case(*k, 0, 0, seed), *k, seed);
    if (!m) continue;
    ++mutated;
    const int modes = m->after[6];
    bool bits_mode = false;
    for (int t = 0; t < 4; ++t)
      bits_mode = bits_mode || ((modes >> (2 * t)) & 3) == 1 || ((modes >> (2 * t)) & 3) == 3;
    EXPECT_TRUE(bits_mode) << "modes 0x" << std::hex << modes;
  }
  EXPECT_GE(mutated, static_cast<int>(kSeeds) / 2);  // 300 of 300 measured
}

TEST(FloatMutator, PlantSetsASpecialKindAndPosition) {
  const KernelDesc& k = fp16_gemm();
  int planted = 0;
  for (unsigned seed = 0; seed < kSeeds; ++seed) {
    const auto m = mutate(Mutation::plant, unrolled_case(k, 40, 0, seed), k, seed);
    if (!m) continue;  // the same plant again
    ++planted;
    for (size_t i = 0; i < m->after.size(); ++i)
      if (i < 7 || i > 9) {
        ASSERT_EQ(m->before[i], m->after[i]) << "byte " << i;
      }
    EXPECT_NE(m->after[7] & 7, 0);
  }
  EXPECT_GE(planted, static_cast<int>(kSeeds) / 2);  // 300 of 300 measured
}

}  // namespace
}  // namespace numguard::fuzz
