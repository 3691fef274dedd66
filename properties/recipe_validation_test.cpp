// Recipe validation (harness/core/recipe_validation.h) against the bound derivation
// (harness/engine/bound.h): random recipes over every order, method, format and rounding, with
// parameters from plausible to absurd (0, negative, huge), are either refused with a problem
// naming the field, its value and what is allowed, or derive a non-negative bound, never NaN,
// in bounded time (finite, or +inf where (1 + u)^depth overflows a double: bound.h). Plus a fixed
// table of invalid recipes, and every built-in kernel's recipe. RapidCheck's seed is fixed by
// RC_PARAMS in CMake; a failure prints the string to replay it.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <limits>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "harness/core/recipe.h"
#include "harness/core/recipe_validation.h"
#include "harness/engine/bound.h"
#include "harness/engine/registry.h"

namespace numguard {

// How RapidCheck prints a counterexample: every field, by its list --json name.
void showValue(const Recipe& r, std::ostream& os) {
  auto fmt = [](const std::optional<Format>& f) {
    return f ? std::string(name(*f)) : std::string("null");
  };
  const Accumulation& a = r.shape;
  os << "{in=" << name(r.in) << " input_cast=" << fmt(r.input_cast)
     << " input_cast_rounding=" << name(r.input_cast_rounding) << " product=" << fmt(r.product)
     << " acc=" << name(r.acc) << " acc_rounding=" << name(r.acc_rounding) << " order=";
  if (static_cast<int>(a.order) < kOrderCount)
    os << name(a.order);
  else
    os << "#" << static_cast<int>(a.order);
  os << " block=" << a.block << " fanin=" << a.fanin << " splits=" << a.splits
     << " partial=" << name(a.partial) << " frac_bits=" << a.frac_bits << " lanes=" << a.lanes
     << " operand_exponents=" << a.operand_exponents << " method=";
  if (static_cast<int>(r.method) < kMethodCount)
    os << name(r.method);
  else
    os << "#" << static_cast<int>(r.method);
  os << " stage=" << fmt(r.stage) << " math_ulps=" << r.math_ulps << " out=" << name(r.out)
     << " out_rounding=" << name(r.out_rounding) << " ftz=" << flush_name(r.ftz) << " daz=" << r.daz
     << " alpha_beta=" << name(r.alpha_beta) << " empty_rows=" << name(r.empty_rows)
     << " max_abs_input=" << r.domain.max_abs_input
     << " finite_inputs_only=" << r.domain.finite_inputs_only
     << " normal_inputs_only=" << r.domain.normal_inputs_only
     << " alpha_scales_inputs=" << r.domain.alpha_scales_inputs << "}";
}

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string shown(const Recipe& r) {
  std::ostringstream os;
  showValue(r, os);
  return os.str();
}

const std::vector<Format>& formats() {
  static const std::vector<Format> all = [] {
    std::vector<Format> v;
    for (const FormatDesc& d : all_formats()) v.push_back(d.id);
    return v;
  }();
  return all;
}

const std::vector<Rounding> kRoundings = {Rounding::rne, Rounding::rz,  Rounding::ru,
                                          Rounding::rd,  Rounding::rna, Rounding::sr};

rc::Gen<Format> any_format() {
  return rc::gen::elementOf(formats());
}

rc::Gen<std::optional<Format>> optional_format() {
  return rc::gen::weightedOneOf<std::optional<Format>>(
      {{1, rc::gen::just(std::optional<Format>())},
       {2, rc::gen::map(any_format(), [](Format f) { return std::optional<Format>(f); })}});
}

rc::Gen<Rounding> any_rounding() {
  return rc::gen::elementOf(kRoundings);
}

// Integers from plausible to absurd: small ones around the limits, the limits themselves and
// one past them, the extremes of int.
rc::Gen<int> wide_int() {
  return rc::gen::oneOf(rc::gen::inRange(-4, 130),
                        rc::gen::elementOf(std::vector<int>{
                            0, 1, 2, -1, kMaxFracBits, kMaxFracBits + 1, 60, kMaxRecipeParameter,
                            kMaxRecipeParameter + 1, 1 << 30, INT_MAX, INT_MIN}),
                        rc::gen::arbitrary<int>());
}

// Each field is drawn sensible (what a kernel could declare) `kSane` times out of kSane + 1,
// and anything at all otherwise: about half of the recipes drawn are valid.
constexpr int kSane = 20;

// A parameter: mostly what a kernel would declare (0 when the order does not read it, a value
// in [lo, hi] when it does, small ones and the limit itself often), sometimes anything at all.
rc::Gen<int> parameter(bool read, int lo, int hi = kMaxRecipeParameter) {
  const rc::Gen<int> sensible =
      read ? rc::gen::oneOf(rc::gen::inRange(lo, std::min(hi, 65) + 1),
                            rc::gen::inRange(lo, hi + 1), rc::gen::just(hi))
           : rc::gen::just(0);
  return rc::gen::weightedOneOf<int>({{kSane, sensible}, {1, wide_int()}});
}

// Doubles for math_ulps and max_abs_input: ordinary values and NaN, infinities, negatives,
// zero, the extremes.
rc::Gen<double> special_double() {
  return rc::gen::elementOf(std::vector<double>{
      kNaN, kInf, -kInf, -1.0, -0.0, 0.0, std::numeric_limits<double>::denorm_min(),
      std::numeric_limits<double>::max(), 1e300, static_cast<double>(kMaxRecipeParameter),
      static_cast<double>(kMaxRecipeParameter) * 2});
}

rc::Gen<double> ordinary_double(int max_exponent) {  // 2^e * [1, 2) for e in [-20, max]
  return rc::gen::apply([](int e, int m) { return std::ldexp(1.0 + m / 1024.0, e); },
                        rc::gen::inRange(-20, max_exponent + 1), rc::gen::inRange(0, 1024));
}

rc::Gen<Recipe> any_recipe() {
  return rc::gen::exec([] {
    Recipe r;
    Accumulation& a = r.shape;
    // Every order, and one past the last (an out-of-range enum value).
    a.order = static_cast<Order>(*rc::gen::weightedOneOf<int>(
        {{kSane, rc::gen::inRange(0, kOrderCount)}, {1, rc::gen::just(kOrderCount)}}));
    const Order o = a.order;
    a.frac_bits = o == Order::fused_block ? *parameter(true, 1, kMaxFracBits)
                  : o == Order::split_k
                      ? *rc::gen::oneOf(rc::gen::just(0), parameter(true, 1, kMaxFracBits))
                      : *parameter(false, 0);
    const bool fused = o == Order::fused_block || (o == Order::split_k && a.frac_bits > 0);
    a.block = *parameter(o == Order::blocked || fused, 1);
    a.fanin = *parameter(o == Order::tree, 2);
    a.splits = *parameter(o == Order::split_k, 1);
    a.lanes = *parameter(o == Order::strided, 1);
    a.operand_exponents = fused ? *rc::gen::arbitrary<bool>()
                                : *rc::gen::weightedOneOf<bool>(
                                      {{kSane, rc::gen::just(false)}, {1, rc::gen::just(true)}});
    a.partial = o == Order::split_k
                    ? *any_format()
                    : *rc::gen::weightedOneOf<Format>(
                          {{kSane, rc::gen::just(Format::fp32)}, {1, any_format()}});
    r.in = *any_format();
    // input_cast: mostly unset or a format narrower than in (in precision), sometimes any.
    std::vector<std::optional<Format>> narrower = {std::nullopt};
    for (Format f : formats())
      if (desc(f).precision < desc(r.in).precision) narrower.push_back(f);
    r.input_cast = *rc::gen::weightedOneOf<std::optional<Format>>(
        {{kSane, rc::gen::elementOf(narrower)}, {1, optional_format()}});
    r.input_cast_rounding = *rc::gen::weightedOneOf<Rounding>(
        {{kSane, r.input_cast ? rc::gen::element(Rounding::rne, Rounding::rna, Rounding::rz)
                              : rc::gen::just(Rounding::rne)},
         {1, any_rounding()}});
    r.product = *optional_format();
    r.acc = *any_format();
    r.acc_rounding = *any_rounding();
    r.out = *any_format();
    r.out_rounding = *any_rounding();
    r.ftz = Flush{*rc::gen::arbitrary<bool>(), *rc::gen::arbitrary<bool>(),
                  *rc::gen::arbitrary<bool>()};
    r.daz = *rc::gen::arbitrary<bool>();
    r.alpha_beta = *rc::gen::element(AlphaBeta::blas, AlphaBeta::arithmetic);
    r.empty_rows = *rc::gen::element(EmptyRows::op_default, EmptyRows::nan, EmptyRows::zero);
    r.method = static_cast<Method>(*rc::gen::weightedOneOf<int>(
        {{kSane, rc::gen::inRange(0, kMethodCount)}, {1, rc::gen::just(kMethodCount)}}));
    r.stage = *optional_format();
    r.math_ulps = *rc::gen::weightedOneOf<double>(
        {{kSane / 2, rc::gen::just(0.0)}, {kSane / 2, ordinary_double(6)}, {1, special_double()}});
    r.domain.max_abs_input = *rc::gen::weightedOneOf<double>({{kSane / 2, rc::gen::just(kInf)},
                                                              {kSane / 2, ordinary_double(1000)},
                                                              {1, special_double()}});
    r.domain.finite_inputs_only = *rc::gen::arbitrary<bool>();
    r.domain.normal_inputs_only = *rc::gen::arbitrary<bool>();
    r.domain.alpha_scales_inputs = *rc::gen::arbitrary<bool>();
    return r;
  });
}

// The arguments of one derivation: n in [0, 2^40] (often small, sometimes at the ends),
// alpha_abs in [0, 1e6], the alignment inflation in [1, 2^30].
rc::Gen<int64_t> reduction_length() {
  constexpr int64_t kMax = int64_t{1} << 40;
  return rc::gen::oneOf(rc::gen::inRange<int64_t>(0, 65), rc::gen::inRange<int64_t>(0, 1 << 20),
                        rc::gen::inRange<int64_t>(0, kMax + 1),
                        rc::gen::element<int64_t>(0, 1, kMax));
}

rc::Gen<double> alpha_abs() {
  return rc::gen::oneOf(
      rc::gen::element(0.0, 1.0, 1e6),
      rc::gen::map(rc::gen::inRange(0, 1000001), [](int v) { return static_cast<double>(v); }),
      rc::gen::map(rc::gen::inRange(0, 1 << 20), [](int v) { return std::ldexp(v, -20); }));
}

rc::Gen<double> inflation() {
  return rc::gen::oneOf(rc::gen::element(1.0, std::ldexp(1.0, 30)),
                        rc::gen::map(rc::gen::inRange(0, 30 * 1024 + 1),
                                     [](int v) { return std::exp2(v / 1024.0); }));
}

const std::set<std::string> kFieldNames = {"in",
                                           "input_cast",
                                           "input_cast_rounding",
                                           "product",
                                           "acc",
                                           "acc_rounding",
                                           "order",
                                           "block",
                                           "fanin",
                                           "splits",
                                           "partial",
                                           "frac_bits",
                                           "lanes",
                                           "operand_exponents",
                                           "method",
                                           "stage",
                                           "math_ulps",
                                           "out",
                                           "out_rounding",
                                           "ftz",
                                           "daz",
                                           "alpha_applies",
                                           "alpha_beta",
                                           "max_abs_input",
                                           "finite_inputs_only",
                                           "normal_inputs_only",
                                           "empty_rows"};

// A refusal names a field by its list --json name, the value declared and what is allowed.
void assert_well_formed(const RecipeProblem& p) {
  RC_ASSERT(kFieldNames.count(p.field) == 1u);
  RC_ASSERT(!p.value.empty());
  RC_ASSERT(!p.allowed.empty());
  RC_ASSERT(p.line() == p.field + " = " + p.value + ": allowed: " + p.allowed);
  RC_ASSERT(p.line().find('\n') == std::string::npos);
}

bool finite_non_negative(double v) {
  return std::isfinite(v) && v >= 0;
}
bool non_negative(double v) {
  return v >= 0;  // NaN fails
}

// Property A: every recipe is refused with a well-formed problem, or its bound is finite and
// non-negative, for every problem.
RC_GTEST_PROP(RecipeValidation, RefusedOrDerivesAFiniteBound, ()) {
  const Recipe r = *any_recipe();
  const std::optional<RecipeProblem> problem = validate(r);
  RC_CLASSIFY(problem.has_value(), "refused");
  if (problem) {
    RC_TAG(problem->field);
    assert_well_formed(*problem);
    return;
  }
  const int64_t n = *reduction_length();
  const bool epilogue = *rc::gen::arbitrary<bool>();
  const double alpha = *alpha_abs();
  const double inflate = *inflation();
  RC_ASSERT(accumulation_depth(r.shape, n) >= 0);
  const BoundModel m = derive_bound(r, n, epilogue, alpha, inflate);
  RC_LOG() << "phi=" << m.phi << " abs_acc=" << m.abs_acc << " u_out=" << m.u_out
           << " eta_out=" << m.eta_out << " prob_factor=" << m.prob_factor << "\n";
  // phi and abs_acc may be +inf: the documented vacuous bound (bound.h), reported as a domain
  // limit; never NaN, never negative, and never NaN once applied to a zero sum.
  RC_ASSERT(non_negative(m.phi));
  RC_ASSERT(non_negative(m.abs_acc));
  RC_ASSERT(non_negative(element_bound(m, 0, 0)));
  RC_ASSERT(non_negative(element_bound(m, *rc::gen::inRange(0, 1000), 1.0)));
  RC_ASSERT(finite_non_negative(m.u_out));
  RC_ASSERT(finite_non_negative(m.eta_out));
  RC_ASSERT(finite_non_negative(m.prob_factor));
}

// Property C: the invalid recipes the issue names (and their neighbours) are refused, naming
// the field.
struct Invalid {
  const char* what;
  Order order;
  int block = 0, fanin = 0, splits = 0, frac_bits = 0, lanes = 0;
  const char* field;
};

const std::vector<Invalid>& invalid_table() {
  static const std::vector<Invalid> t = {
      {"blocked, block 0", Order::blocked, 0, 0, 0, 0, 0, "block"},
      {"fused_block, block 65 (the model sums at most 64)", Order::fused_block, 65, 0, 0, 24, 0,
       "block"},
      {"split_k of fused chunks, block 128", Order::split_k, 128, 0, 2, 24, 0, "block"},
      {"strided, 3 lanes (no butterfly)", Order::strided, 0, 0, 0, 0, 3, "lanes"},
      {"blocked, block -1", Order::blocked, -1, 0, 0, 0, 0, "block"},
      {"blocked, block past the limit", Order::blocked, kMaxRecipeParameter + 1, 0, 0, 0, 0,
       "block"},
      {"tree, fanin 0", Order::tree, 0, 0, 0, 0, 0, "fanin"},
      {"tree, fanin 1", Order::tree, 0, 1, 0, 0, 0, "fanin"},
      {"tree, fanin INT_MIN", Order::tree, 0, INT_MIN, 0, 0, 0, "fanin"},
      {"split_k, splits 0", Order::split_k, 0, 0, 0, 0, 0, "splits"},
      {"split_k, splits -3", Order::split_k, 0, 0, -3, 0, 0, "splits"},
      {"fused_block, frac_bits 0", Order::fused_block, 16, 0, 0, 0, 0, "frac_bits"},
      {"fused_block, frac_bits 53", Order::fused_block, 16, 0, 0, 53, 0, "frac_bits"},
      {"fused_block, frac_bits 60", Order::fused_block, 16, 0, 0, 60, 0, "frac_bits"},
      {"fused_block, block 0", Order::fused_block, 0, 0, 0, 23, 0, "block"},
      {"split_k of fused blocks, block 0", Order::split_k, 0, 0, 4, 23, 0, "block"},
      {"strided, lanes 0", Order::strided, 0, 0, 0, 0, 0, "lanes"},
      {"strided, lanes INT_MAX", Order::strided, 0, 0, 0, 0, INT_MAX, "lanes"},
      {"sequential, lanes 4", Order::sequential, 0, 0, 0, 0, 4, "lanes"},
      {"pairwise, block 8", Order::pairwise, 8, 0, 0, 0, 0, "block"},
      {"blocked, fanin 2", Order::blocked, 8, 2, 0, 0, 0, "fanin"},
      {"tree, splits 2", Order::tree, 0, 4, 2, 0, 0, "splits"},
      {"sequential, frac_bits 10", Order::sequential, 0, 0, 0, 10, 0, "frac_bits"},
  };
  return t;
}

TEST(RecipeValidation, InvalidTableIsRefusedNamingTheField) {
  ASSERT_FALSE(invalid_table().empty());
  for (const Invalid& c : invalid_table()) {
    Recipe r;
    r.shape.order = c.order;
    r.shape.block = c.block;
    r.shape.fanin = c.fanin;
    r.shape.splits = c.splits;
    r.shape.frac_bits = c.frac_bits;
    r.shape.lanes = c.lanes;
    const std::optional<RecipeProblem> p = validate(r);
    ASSERT_TRUE(p.has_value()) << c.what << ": accepted";
    EXPECT_EQ(p->field, c.field) << c.what << ": " << p->line();
    EXPECT_FALSE(p->value.empty()) << c.what;
    EXPECT_FALSE(p->allowed.empty()) << c.what;
    EXPECT_NE(p->line().find(c.field), std::string::npos) << c.what << ": " << p->line();
  }
}

// The other fields' refusals, one each.
TEST(RecipeValidation, InvalidFieldsAreRefusedNamingTheField) {
  struct Case {
    const char* what;
    Recipe r;
    const char* field;
  };
  std::vector<Case> cases;
  auto add = [&](const char* what, const char* field, auto set) {
    Recipe r;
    set(r);
    cases.push_back({what, r, field});
  };
  add("input_cast wider than in", "input_cast", [](Recipe& r) {
    r.in = Format::fp16;
    r.input_cast = Format::fp32;
  });
  add("input_cast equal to in", "input_cast", [](Recipe& r) { r.input_cast = Format::fp32; });
  add("input_cast rounded ru", "input_cast_rounding", [](Recipe& r) {
    r.input_cast = Format::bf16;
    r.input_cast_rounding = Rounding::ru;
  });
  add("input_cast_rounding without input_cast", "input_cast_rounding",
      [](Recipe& r) { r.input_cast_rounding = Rounding::rz; });
  add("partial without split_k", "partial", [](Recipe& r) { r.shape.partial = Format::fp16; });
  add("operand_exponents without fused blocks", "operand_exponents",
      [](Recipe& r) { r.shape.operand_exponents = true; });
  add("math_ulps NaN", "math_ulps", [](Recipe& r) { r.math_ulps = kNaN; });
  add("math_ulps -1", "math_ulps", [](Recipe& r) { r.math_ulps = -1; });
  add("math_ulps inf", "math_ulps", [](Recipe& r) { r.math_ulps = kInf; });
  add("max_abs_input NaN", "max_abs_input", [](Recipe& r) { r.domain.max_abs_input = kNaN; });
  add("max_abs_input 0", "max_abs_input", [](Recipe& r) { r.domain.max_abs_input = 0; });
  add("max_abs_input -inf", "max_abs_input", [](Recipe& r) { r.domain.max_abs_input = -kInf; });
  add("unknown order", "order", [](Recipe& r) { r.shape.order = static_cast<Order>(kOrderCount); });
  add("unknown method", "method", [](Recipe& r) { r.method = static_cast<Method>(kMethodCount); });
  add("fused blocks of fp64 operands", "in", [](Recipe& r) {
    r.in = Format::fp64;
    r.shape = {.order = Order::fused_block, .block = 4, .frac_bits = 24};
  });
  add("stochastic rounding in fused blocks", "acc_rounding", [](Recipe& r) {
    r.shape = {.order = Order::fused_block, .block = 4, .frac_bits = 24};
    r.acc_rounding = Rounding::sr;
  });
  ASSERT_FALSE(cases.empty());
  for (const Case& c : cases) {
    const std::optional<RecipeProblem> p = validate(c.r);
    ASSERT_TRUE(p.has_value()) << c.what << ": accepted";
    EXPECT_EQ(p->field, c.field) << c.what << ": " << p->line();
    EXPECT_FALSE(p->value.empty()) << c.what;
    EXPECT_FALSE(p->allowed.empty()) << c.what;
  }
}

// Property D: every built-in kernel's recipe validates, and derives a finite bound at the
// lengths check runs.
TEST(RecipeValidation, EveryBuiltInKernelValidates) {
  const std::vector<KernelDesc>& kernels = registry().kernels();
  ASSERT_GE(kernels.size(), 100u) << "the registry lost its built-in kernels";
  for (const KernelDesc& k : kernels) {
    const std::optional<RecipeProblem> p = validate(k.recipe);
    EXPECT_FALSE(p.has_value()) << k.name << ": " << p->line();
    if (p) continue;
    for (int64_t n : {int64_t{0}, int64_t{1}, int64_t{4096}, int64_t{1} << 16}) {
      const BoundModel m = derive_bound(k.recipe, n, true, 1.0, 1.0);
      EXPECT_TRUE(finite_non_negative(m.phi) && finite_non_negative(m.abs_acc))
          << k.name << " n=" << n << ": phi " << m.phi << ", abs_acc " << m.abs_acc;
    }
  }
}

// Runs derive_bound and accumulation_depth on a thread of their own and waits `seconds`: a
// derivation that loops (proportionally to n, or forever) ends the process naming the recipe,
// rather than leaving only ctest's TIMEOUT (a thread cannot be stopped, so the process ends:
// these properties come last).
struct Derived {
  BoundModel model;
  int64_t depth = 0;
};
Derived derive_within(const Recipe& r, int64_t n, double seconds) {
  auto task = std::make_shared<std::packaged_task<Derived()>>([r, n] {
    return Derived{derive_bound(r, n, true, 1e6, std::ldexp(1.0, 30)),
                   accumulation_depth(r.shape, n)};
  });
  std::future<Derived> done = task->get_future();
  std::thread([task] { (*task)(); }).detach();
  if (done.wait_for(std::chrono::duration<double>(seconds)) != std::future_status::ready) {
    std::fprintf(stderr, "FAIL: derive_bound(n = %lld) did not return in %g s for %s\n",
                 static_cast<long long>(n), seconds, shown(r).c_str());
    std::fflush(stderr);
    std::_Exit(1);
  }
  return done.get();
}

constexpr int64_t kHuge = int64_t{1} << 62;

// Property B, part 1: nothing in the derivation wraps around at huge n: the depth and the
// bound at n = 2^62 are no smaller than at 2^61.
RC_GTEST_PROP(RecipeValidation, BoundDoesNotWrapAtHugeN, ()) {
  const Recipe r = *any_recipe();
  RC_PRE(!validate(r).has_value());
  const Derived big = derive_within(r, kHuge, 10.0);
  const Derived half = derive_within(r, kHuge / 2, 10.0);
  RC_LOG() << "depth(2^61)=" << half.depth << " depth(2^62)=" << big.depth
           << " phi(2^61)=" << half.model.phi << " phi(2^62)=" << big.model.phi
           << " prob_factor(2^61)=" << half.model.prob_factor
           << " prob_factor(2^62)=" << big.model.prob_factor << "\n";
  RC_ASSERT(half.depth >= 0);
  RC_ASSERT(big.depth >= half.depth);
  RC_ASSERT(!(big.model.phi < half.model.phi));
  RC_ASSERT(!(big.model.abs_acc < half.model.abs_acc));
  RC_ASSERT(!(big.model.prob_factor < half.model.prob_factor));
}

// Property B, part 2: deriving one bound takes no loop proportional to n: at n = 2^62 it
// returns at once (derive_within ends the process after 10 s; ctest's TIMEOUT backs it up).
RC_GTEST_PROP(RecipeValidation, BoundTakesBoundedTimeAtHugeN, ()) {
  const Recipe r = *any_recipe();
  RC_PRE(!validate(r).has_value());
  const auto start = std::chrono::steady_clock::now();
  const Derived d = derive_within(r, kHuge, 10.0);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  RC_ASSERT(d.depth >= 0);
  RC_ASSERT(seconds < 1.0);
}

}  // namespace
}  // namespace numguard
