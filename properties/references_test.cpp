// The two exact references cross-check each other (docs/DESIGN.md principle 2): the fixed-point
// accumulator (references/exact_accumulator.h) and MPFR (references/mpfr_reference.h) must
// agree bit for bit on the exact value, in every rounding mode, and after rounding into every
// format. Random cases are replayable: NUMGUARD_SEED overrides the fixed seed and
// NUMGUARD_CASE runs a single case; a failure prints the line that replays it.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "harness/core/format.h"
#include "harness/core/rounding.h"
#include "references/exact_accumulator.h"
#include "references/mpfr_reference.h"

namespace numguard {
namespace {

using Bits = std::vector<uint64_t>;
using Kind = Unpacked::Kind;

constexpr Format kInputs[] = {Format::fp16, Format::bf16, Format::tf32, Format::fp32,
                              Format::e4m3, Format::e5m2, Format::fp64};
constexpr Format kOutputs[] = {Format::fp64, Format::fp32, Format::tf32, Format::bf16,
                               Format::fp16, Format::e4m3, Format::e5m2};
constexpr Rounding kModes[] = {Rounding::rne, Rounding::rz,  Rounding::ru,
                               Rounding::rd,  Rounding::rna, Rounding::sr};

RoundOptions with_mode(Rounding mode, StochasticSource* rng = nullptr) {
  RoundOptions o;
  o.mode = mode;
  o.rng = rng;
  return o;
}

// ---------------------------------------------------------------------------------------
// Seeds and replay

std::optional<uint64_t> env_u64(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::strtoull(v, nullptr, 0);
}

uint64_t base_seed() {
  static const uint64_t seed = [] {
    const uint64_t s = env_u64("NUMGUARD_SEED").value_or(20261124);
    std::printf("[references_test] NUMGUARD_SEED=%" PRIu64 " (set NUMGUARD_SEED to override)\n", s);
    return s;
  }();
  return seed;
}

uint64_t mix(uint64_t x) {  // splitmix64 finalizer
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// One independent stream per (op, input format, case index), so any case replays alone.
uint64_t case_seed(int op, Format f, uint64_t index) {
  return mix(base_seed() ^ mix((uint64_t(op) << 56) ^ (uint64_t(f) << 48) ^ index));
}

std::string replay_line(uint64_t index) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::ostringstream s;
  s << "replay: NUMGUARD_SEED=" << base_seed() << " NUMGUARD_CASE=" << index
    << " ./references_test --gtest_filter='" << info->test_suite_name() << "." << info->name()
    << "'";
  return s.str();
}

// Case indices to run: all of [0, count), or only NUMGUARD_CASE.
std::vector<uint64_t> case_indices(uint64_t count) {
  if (auto only = env_u64("NUMGUARD_CASE")) return {*only};
  std::vector<uint64_t> v(count);
  for (uint64_t i = 0; i < count; ++i) v[i] = i;
  return v;
}

// ---------------------------------------------------------------------------------------
// Inputs

class Rng {
 public:
  explicit Rng(uint64_t seed) : g_(seed) {}
  uint64_t bits() { return g_(); }
  uint64_t below(uint64_t n) { return g_() % n; }
  bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(g_) < p; }
  // Log-uniform in [1, hi]: every order of magnitude of n is equally likely.
  size_t log_uniform(size_t hi) {
    const double u = std::uniform_real_distribution<double>(0, 1)(g_);
    return std::clamp<size_t>(static_cast<size_t>(std::exp(u * std::log(hi + 1.0))), 1, hi);
  }
  std::mt19937_64& engine() { return g_; }

 private:
  std::mt19937_64 g_;
};

uint64_t max_finite_field(Format f) {
  const FormatDesc& d = desc(f);
  return d.special == SpecialEncoding::ieee ? d.exp_field_max() - 1 : d.exp_field_max();
}

uint64_t negate(Format f, uint64_t x) {
  return x ^ desc(f).sign_mask();
}

uint64_t make_finite(Format f, bool neg, uint64_t field, uint64_t frac) {
  const FormatDesc& d = desc(f);
  frac &= d.frac_mask() & ~(d.min_subnormal_bits() - 1);  // tf32 keeps its pad bits zero
  uint64_t v = (neg ? d.sign_mask() : 0) | (field << d.frac_field_bits) | frac;
  if (is_nan(f, v)) v -= d.min_subnormal_bits();  // e4m3: S.1111.111 is NaN, step below it
  return v;
}

// A generator of finite values: `wide` draws exponent fields over the whole format (every
// binade including subnormals, products spanning the full window), `band` keeps them within
// a few binades of a random centre, `few_bits` adds significands with one or two set bits
// (exact results and ties), and the bottom two and top binades give subnormal and
// overflowing sums.
struct ValueGen {
  Format f;
  uint64_t lo = 0, hi = 0;
  bool few_bits = false;

  static ValueGen random(Format f, Rng& r) {
    ValueGen g{f};
    const uint64_t top = max_finite_field(f);
    const uint64_t style = r.below(20);
    if (style < 6) {  // wide
      g.hi = top;
    } else if (style < 8) {  // bottom: subnormals, sometimes the smallest normal binade
      g.hi = r.chance(0.5) ? 0 : 1;
    } else if (style < 10) {  // top binade
      g.lo = g.hi = top;
    } else {  // band, sometimes with few significand bits
      const uint64_t c = r.below(top + 1), w = r.below(7);
      g.lo = c > w ? c - w : 0;
      g.hi = std::min(top, c + w);
      g.few_bits = style >= 16;
    }
    return g;
  }
  uint64_t operator()(Rng& r) const {
    const FormatDesc& d = desc(f);
    const uint64_t field = lo + r.below(hi - lo + 1);
    uint64_t frac = r.bits();
    if (few_bits) {
      frac = (r.chance(0.5) ? uint64_t{1} << (d.frac_field_bits - 1) : 0) |
             (r.chance(0.5) ? uint64_t{1} << r.below(d.frac_field_bits) : 0);
      frac &= ~(d.min_subnormal_bits() - 1);
    }
    return make_finite(f, r.chance(0.5), field, frac);
  }
};

// Moves x one encoding step in magnitude, staying finite: the "perturbed" copy of a
// cancelling term leaves a residual at the bottom of the window.
uint64_t perturb(Format f, uint64_t x, Rng& r) {
  const FormatDesc& d = desc(f);
  const uint64_t step = d.min_subnormal_bits();
  const uint64_t mag = x & ~d.sign_mask();
  uint64_t m = (r.chance(0.5) && mag >= step) ? mag - step : mag + step;
  if (!is_finite(f, m) || m > d.max_finite_bits()) m = mag - step;
  return (x & d.sign_mask()) | m;
}

uint64_t random_special(Format f, Rng& r) {
  const FormatDesc& d = desc(f);
  const uint64_t sign = r.chance(0.5) ? d.sign_mask() : 0;
  switch (r.below(d.has_inf() ? 4 : 2)) {
    case 0:
      return sign | d.nan_bits();
    case 1:
      return sign;  // a zero, to meet an inf as inf * 0
    case 2:
      return d.inf_bits(false);
    default:
      return d.inf_bits(true);
  }
}

// A pair whose product's exponent is aimed at `target` (exponent fields summing to
// target + 2 * bias), so that dot products land in the subnormal range or at the overflow
// threshold of the input format, which random exponents rarely hit in wide formats.
void aimed_pair(Format f, int64_t target, Rng& r, uint64_t& a, uint64_t& b) {
  const FormatDesc& d = desc(f);
  const int64_t fmax = static_cast<int64_t>(max_finite_field(f));
  const int64_t sum = target + 2 * d.bias();
  const int64_t lo = std::max<int64_t>(1, sum - fmax), hi = std::min<int64_t>(fmax, sum - 1);
  const int64_t ea = lo <= hi ? lo + static_cast<int64_t>(r.below(hi - lo + 1)) : 1;
  const int64_t eb = std::clamp<int64_t>(sum - ea, 1, fmax);
  a = make_finite(f, r.chance(0.5), ea, r.bits());
  b = make_finite(f, r.chance(0.5), eb, r.bits());
}

// What a case exercises, for the coverage counts and the failure message.
enum class Shape { plain, cancel, zeros };
const char* shape_name(Shape s) {
  return s == Shape::plain ? "plain" : s == Shape::cancel ? "cancel" : "zeros";
}

// Dot inputs a, b of length n. `cancel` appends, for each pair (a_i, b_i), a pair whose
// product is -a_i*b_i (sign flipped on either side, or the factors swapped), sometimes
// perturbed by one step: heavy cancellation down to exact zero or a tiny residual.
Shape dot_inputs(Format f, size_t n, Rng& r, Bits& a, Bits& b) {
  a.assign(n, 0);
  b.assign(n, 0);
  const ValueGen ga = ValueGen::random(f, r);
  const ValueGen gb = r.chance(0.5) ? ga : ValueGen::random(f, r);
  const uint64_t pick = r.below(100);
  const Shape shape = pick < 5 ? Shape::zeros : pick < 50 ? Shape::cancel : Shape::plain;
  if (shape == Shape::zeros) {
    const bool all_negative = r.chance(0.5);
    for (size_t i = 0; i < n; ++i) {
      a[i] = r.chance(0.5) ? desc(f).sign_mask() : 0;
      b[i] = (a[i] != 0) == all_negative ? 0 : desc(f).sign_mask();
      if (!all_negative && r.chance(0.1)) b[i] = negate(f, b[i]);
    }
  } else if (r.chance(0.15)) {
    const FormatDesc& d = desc(f);
    const bool bottom = r.chance(0.5);
    for (size_t i = 0; i < n; ++i) {
      const int64_t target = bottom ? d.emin() - 1 - static_cast<int64_t>(r.below(d.precision))
                                    : d.emax() - static_cast<int64_t>(r.below(3));
      aimed_pair(f, target, r, a[i], b[i]);
    }
  } else {
    for (size_t i = 0; i < n; ++i) {
      a[i] = ga(r);
      b[i] = gb(r);
    }
  }
  if (shape == Shape::cancel) {
    const size_t h = n / 2;
    const double p_perturb = r.chance(0.5) ? 0.0 : 0.05;
    for (size_t j = 0; j < h; ++j) {
      uint64_t x = a[j], y = b[j];
      if (r.chance(0.5)) std::swap(x, y);
      if (r.chance(0.5))
        x = negate(f, x);
      else
        y = negate(f, y);
      if (r.chance(p_perturb)) x = perturb(f, x, r);
      a[h + j] = x;
      b[h + j] = y;
    }
    for (size_t i = n; i-- > 1;) {  // shuffle the pairs together
      const size_t j = r.below(i + 1);
      std::swap(a[i], a[j]);
      std::swap(b[i], b[j]);
    }
  }
  if (r.chance(0.08)) {
    for (uint64_t s = 1 + r.below(3); s > 0; --s)
      (r.chance(0.5) ? a : b)[r.below(n)] = random_special(f, r);
  }
  return shape;
}

Shape sum_inputs(Format f, size_t n, Rng& r, Bits& x) {
  Bits unused;
  // The first factor of a dot case is a sum case with the same shapes.
  const Shape s = dot_inputs(f, n, r, x, unused);
  if (s == Shape::cancel) {
    const size_t h = n / 2;
    for (size_t j = 0; j < h; ++j) {
      x[h + j] = negate(f, x[j]);
      if (r.chance(0.05)) x[h + j] = perturb(f, x[h + j], r);
    }
    std::shuffle(x.begin(), x.end(), r.engine());
  }
  if (s == Shape::zeros && r.chance(0.5))
    for (uint64_t& v : x) v = desc(f).sign_mask();  // every term -0
  return s;
}

// ---------------------------------------------------------------------------------------
// Comparison

bool same(const Unpacked& x, const Unpacked& y) {
  if (x.kind != y.kind) return false;
  if (x.kind == Kind::nan) return true;
  if (x.negative != y.negative) return false;
  return x.kind != Kind::finite || (x.exp == y.exp && x.mant == y.mant && x.sticky == y.sticky);
}

std::string show(const Unpacked& u) {
  char buf[96];
  const char* sign = u.negative ? "-" : "+";
  switch (u.kind) {
    case Kind::nan:
      return "nan";
    case Kind::inf:
      return std::string(sign) + "inf";
    case Kind::zero:
      return std::string(sign) + "0";
    case Kind::finite:
      std::snprintf(buf, sizeof buf, "%s0x%016" PRIx64 "*2^(%" PRId64 "-63)%s", sign, u.mant, u.exp,
                    u.sticky ? "+sticky" : "");
      return buf;
  }
  return "?";
}

bool same(const RoundResult& x, const RoundResult& y) {
  return x.bits == y.bits && x.inexact == y.inexact && x.overflow == y.overflow &&
         x.underflow == y.underflow;
}

// Coverage: the categories the issue asks for must actually occur, or the cross-check is
// weaker than it claims.
struct Coverage {
  uint64_t cases = 0, nan = 0, inf = 0, exact_zero = 0, cancel = 0, subnormal = 0, overflow = 0,
           tie_or_exact = 0, long_n = 0;
};

// Rounds both exact values into every output format in every mode (stochastic rounding
// from identically seeded sources) and compares results and flags.
struct ModeResults {
  Unpacked fixed[std::size(kModes)];
  Unpacked mpfr[std::size(kModes)];
};

::testing::AssertionResult agree(const ModeResults& r, Format in, uint64_t seed, Coverage* cov) {
  Rng opts(seed ^ 0x5eed);
  const bool ftz = opts.chance(0.2);
  const uint64_t sat = opts.below(3);
  for (size_t mi = 0; mi < std::size(kModes); ++mi) {
    if (!same(r.fixed[mi], r.mpfr[mi]))
      return ::testing::AssertionFailure()
             << "exact values differ in mode " << name(kModes[mi]) << ": fixed "
             << show(r.fixed[mi]) << " vs mpfr " << show(r.mpfr[mi]);
    for (Format out : kOutputs) {
      StochasticSource s1(seed + mi), s2(seed + mi);
      RoundOptions o1 = with_mode(kModes[mi], &s1);
      o1.ftz = ftz;
      if (sat != 2) o1.saturate = sat == 1;
      RoundOptions o2 = o1;
      o2.rng = &s2;
      const RoundResult x = round_to(out, r.fixed[mi], o1), y = round_to(out, r.mpfr[mi], o2);
      if (!same(x, y))
        return ::testing::AssertionFailure()
               << "rounded into " << name(out) << " mode " << name(kModes[mi]) << ": fixed 0x"
               << std::hex << x.bits << " vs mpfr 0x" << y.bits;
      if (cov != nullptr && out == in && kModes[mi] == Rounding::rne) {
        cov->subnormal += classify(out, x.bits) == FpClass::subnormal;
        cov->overflow += x.overflow;
      }
    }
  }
  if (cov != nullptr) {
    const Unpacked& u = r.fixed[0];
    cov->nan += u.kind == Kind::nan;
    cov->inf += u.kind == Kind::inf;
    cov->exact_zero += u.kind == Kind::zero;
    cov->tie_or_exact += u.kind == Kind::finite && !u.sticky;
  }
  return ::testing::AssertionSuccess();
}

void expect_coverage(const Coverage& c, Format in) {
  SCOPED_TRACE(std::string("coverage for ") + std::string(name(in)));
  std::printf("[references_test] %s: %" PRIu64 " cases: nan %" PRIu64 ", inf %" PRIu64
              ", exact zero %" PRIu64 ", cancel %" PRIu64 ", subnormal %" PRIu64
              ", overflow %" PRIu64 ", exact 64-bit %" PRIu64 ", n>=2048 %" PRIu64 "\n",
              std::string(name(in)).c_str(), c.cases, c.nan, c.inf, c.exact_zero, c.cancel,
              c.subnormal, c.overflow, c.tie_or_exact, c.long_n);
  if (c.cases < 1000) return;  // a replay of one case
  const uint64_t one_percent = c.cases / 100;
  EXPECT_GE(c.nan, one_percent);
  if (desc(in).has_inf()) {
    EXPECT_GE(c.inf, one_percent);
  }
  EXPECT_GE(c.exact_zero, one_percent);
  EXPECT_GE(c.cancel, 30 * one_percent);
  EXPECT_GE(c.subnormal, one_percent);
  EXPECT_GE(c.overflow, one_percent);
  EXPECT_GE(c.tie_or_exact, one_percent);
  EXPECT_GE(c.long_n, one_percent / 2);
}

// A case fails with its replay line; after a few failures the rest are skipped.
constexpr int kMaxReported = 5;

// ---------------------------------------------------------------------------------------
// Random cross-checks

class CrossCheck : public ::testing::TestWithParam<Format> {};

std::string format_param_name(const ::testing::TestParamInfo<Format>& i) {
  return std::string(name(i.param));
}

// 10,000 dot products per input format, n log-uniform in [1, 4096].
TEST_P(CrossCheck, DotAgreesBitForBit) {
  const Format in = GetParam();
  Coverage cov;
  int failures = 0;
  Bits a, b;
  for (uint64_t index : case_indices(10'000)) {
    const uint64_t seed = case_seed(1, in, index);
    Rng r(seed);
    const size_t n = r.log_uniform(4096);
    const Shape shape = dot_inputs(in, n, r, a, b);
    ModeResults res;
    ExactAccumulator acc(in);
    acc.add_dot(a, b);
    const Unpacked m = mpfr_ref::dot_exact(in, a, b, Rounding::rne);
    // MPFR computes exactly, so its mode can only change the sign of an exact zero.
    const Unpacked m_rd = m.kind == Kind::zero ? mpfr_ref::dot_exact(in, a, b, Rounding::rd) : m;
    for (size_t mi = 0; mi < std::size(kModes); ++mi) {
      res.fixed[mi] = acc.exact(kModes[mi]);
      res.mpfr[mi] = kModes[mi] == Rounding::rd ? m_rd : m;
    }
    ++cov.cases;
    cov.cancel += shape == Shape::cancel;
    cov.long_n += n >= 2048;
    const auto ok = agree(res, in, seed, &cov);
    // The public rounded API, once per case, in a drawn format and mode.
    const Format out = kOutputs[r.below(std::size(kOutputs))];
    StochasticSource s1(seed), s2(seed);
    const Rounding mode = kModes[r.below(std::size(kModes))];
    const RoundResult x = fixed_ref::dot(in, a, b, out, with_mode(mode, &s1));
    const RoundResult y = mpfr_ref::dot(in, a, b, out, with_mode(mode, &s2));
    if (!ok || !same(x, y)) {
      ADD_FAILURE() << (ok ? "public dot() differs" : ok.message()) << "\n  input " << name(in)
                    << ", n " << n << ", shape " << shape_name(shape) << "\n  "
                    << replay_line(index);
      if (++failures == kMaxReported) break;
    }
  }
  expect_coverage(cov, in);
}

// 3,000 sums per input format.
TEST_P(CrossCheck, SumAgreesBitForBit) {
  const Format in = GetParam();
  Coverage cov;
  int failures = 0;
  Bits x;
  for (uint64_t index : case_indices(3'000)) {
    const uint64_t seed = case_seed(2, in, index);
    Rng r(seed);
    const size_t n = r.log_uniform(4096);
    const Shape shape = sum_inputs(in, n, r, x);
    ModeResults res;
    ExactAccumulator acc(in);
    acc.add_sum(x);
    for (size_t mi = 0; mi < std::size(kModes); ++mi) {
      res.fixed[mi] = acc.exact(kModes[mi]);
      res.mpfr[mi] = mpfr_ref::sum_exact(in, x, kModes[mi]);
    }
    ++cov.cases;
    cov.cancel += shape == Shape::cancel;
    cov.long_n += n >= 2048;
    const auto ok = agree(res, in, seed, &cov);
    if (!ok) {
      ADD_FAILURE() << ok.message() << "\n  input " << name(in) << ", n " << n << ", shape "
                    << shape_name(shape) << "\n  " << replay_line(index);
      if (++failures == kMaxReported) break;
    }
  }
  expect_coverage(cov, in);
}

double random_scalar(Rng& r) {
  switch (r.below(10)) {
    case 0:
      return 0.0;
    case 1:
      return -0.0;
    case 2:
      return 1.0;
    case 3:
      return -1.0;
    case 4:
      return std::ldexp(r.chance(0.5) ? 1.0 : -1.0, static_cast<int>(r.below(120)) - 60);
    case 5:
      return r.chance(0.5) ? INFINITY : (r.chance(0.5) ? -INFINITY : NAN);
    case 6:
      return decode(Format::fp32, r.bits() & 0x7f7fffff);  // an fp32 scalar
    default: {                                             // any finite double, wide exponent
      double v = std::ldexp(std::uniform_real_distribution<double>(-1, 1)(r.engine()),
                            static_cast<int>(r.below(2100)) - 1050);
      return std::isfinite(v) ? v : 1.5;
    }
  }
}

// 1,000 GEMMs per input format: m, n in [1, 4], k log-uniform in [1, 512], alpha and beta
// from zero, one, powers of two, fp32 and double values and inf/NaN, C in any format.
TEST_P(CrossCheck, GemmAgreesBitForBit) {
  const Format in = GetParam();
  int failures = 0;
  for (uint64_t index : case_indices(1'000)) {
    const uint64_t seed = case_seed(3, in, index);
    Rng r(seed);
    GemmProblem p;
    p.in = in;
    p.m = 1 + r.below(4);
    p.n = 1 + r.below(4);
    p.k = r.log_uniform(512);
    Bits a(p.m * p.k), b(p.k * p.n), c;
    const bool cancel = p.k >= 2 && r.chance(0.4);
    Bits row_a, col_b;
    // Cancelling GEMMs: every row of A is [X, X] and B = [Y; -Y'] with Y' perturbed, so
    // each entry of A*B is X*Y - X*Y'.
    for (int64_t i = 0; i < p.m; ++i) {
      dot_inputs(in, p.k, r, row_a, col_b);
      for (int64_t q = 0; q < p.k; ++q)
        a[i * p.k + q] =
            cancel && q >= p.k / 2 && q - p.k / 2 < p.k / 2 ? row_a[q - p.k / 2] : row_a[q];
    }
    for (int64_t j = 0; j < p.n; ++j) {
      dot_inputs(in, p.k, r, row_a, col_b);
      for (int64_t q = 0; q < p.k; ++q) {
        uint64_t v = col_b[q];
        if (cancel && q >= p.k / 2 && q - p.k / 2 < p.k / 2) {
          v = negate(in, col_b[q - p.k / 2]);
          if (r.chance(0.1)) v = perturb(in, v, r);
        }
        b[q * p.n + j] = v;
      }
    }
    const bool plain = r.chance(0.3);
    p.alpha = plain ? 1.0 : random_scalar(r);
    p.beta = plain ? 0.0 : random_scalar(r);
    p.c_format = kOutputs[r.below(std::size(kOutputs))];
    const ValueGen gc = ValueGen::random(p.c_format, r);
    for (int64_t e = 0; e < p.m * p.n; ++e)
      c.push_back(r.chance(0.05) ? random_special(p.c_format, r) : gc(r));
    p.a = a;
    p.b = b;
    p.c = c;
    if (!plain && r.chance(0.15)) {
      // C = A*B rounded to fp64 and beta = -alpha: the epilogue cancels, often exactly.
      p.alpha = std::ldexp(1.0, static_cast<int>(r.below(9)) - 4);
      p.beta = -p.alpha;
      p.c_format = Format::fp64;
      GemmProblem plain_p = p;
      plain_p.alpha = 1;
      plain_p.beta = 0;
      c.clear();
      for (const Unpacked& u : fixed_ref::gemm_exact(plain_p))
        c.push_back(round_to(Format::fp64, u).bits);
      p.c = c;
    }

    std::string why;
    std::vector<Unpacked> fx[std::size(kModes)], mx[std::size(kModes)];
    for (size_t mi = 0; mi < std::size(kModes) && why.empty(); ++mi) {
      fx[mi] = fixed_ref::gemm_exact(p, kModes[mi]);
      mx[mi] = mpfr_ref::gemm_exact(p, kModes[mi]);
      for (size_t e = 0; e < fx[mi].size() && why.empty(); ++e) {
        ModeResults res;
        for (size_t q = 0; q < std::size(kModes); ++q) res.fixed[q] = res.mpfr[q] = Unpacked{};
        res.fixed[mi] = fx[mi][e];
        res.mpfr[mi] = mx[mi][e];
        if (auto ok = agree(res, in, seed + e, nullptr); !ok)
          why = "element " + std::to_string(e) + ": " + ok.message();
      }
    }
    if (why.empty()) {  // the public rounded API over the whole matrix
      const Format out = kOutputs[r.below(std::size(kOutputs))];
      const Rounding mode = kModes[r.below(std::size(kModes))];
      StochasticSource s1(seed), s2(seed);
      const auto x = fixed_ref::gemm(p, out, with_mode(mode, &s1));
      const auto y = mpfr_ref::gemm(p, out, with_mode(mode, &s2));
      for (size_t e = 0; e < x.size(); ++e)
        if (!same(x[e], y[e])) why = "public gemm() differs at element " + std::to_string(e);
    }
    if (!why.empty()) {
      ADD_FAILURE() << why << "\n  input " << name(in) << ", m " << p.m << " n " << p.n << " k "
                    << p.k << ", alpha " << p.alpha << " beta " << p.beta << " C "
                    << name(p.c_format) << "\n  " << replay_line(index);
      if (++failures == kMaxReported) break;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(References, CrossCheck, ::testing::ValuesIn(kInputs), format_param_name);

// ---------------------------------------------------------------------------------------
// Spec-like claims: each line states one fact and both references must produce it.

Bits encode(Format f, std::initializer_list<double> values) {
  Bits out;
  for (double v : values) {
    const RoundResult r = round_double(f, v);
    EXPECT_FALSE(r.inexact) << v << " is not a value of " << name(f);
    out.push_back(r.bits);
  }
  return out;
}

::testing::AssertionResult gives(const RoundResult& got, Format out, double expected) {
  const double v = decode(out, got.bits);
  if (std::isnan(expected) ? std::isnan(v)
                           : v == expected && std::signbit(v) == std::signbit(expected))
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "got " << v << " (0x" << std::hex << got.bits << ")";
}

::testing::AssertionResult sum_is(Format in, std::initializer_list<double> x, Format out,
                                  Rounding mode, double expected) {
  const Bits bx = encode(in, x);
  if (auto r = gives(fixed_ref::sum(in, bx, out, with_mode(mode)), out, expected); !r)
    return r << " from the fixed-point accumulator";
  if (auto r = gives(mpfr_ref::sum(in, bx, out, with_mode(mode)), out, expected); !r)
    return r << " from MPFR";
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult dot_is(Format in, std::initializer_list<double> a,
                                  std::initializer_list<double> b, Format out, Rounding mode,
                                  double expected) {
  const Bits ba = encode(in, a), bb = encode(in, b);
  if (auto r = gives(fixed_ref::dot(in, ba, bb, out, with_mode(mode)), out, expected); !r)
    return r << " from the fixed-point accumulator";
  if (auto r = gives(mpfr_ref::dot(in, ba, bb, out, with_mode(mode)), out, expected); !r)
    return r << " from MPFR";
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult gemm_is(const GemmProblem& p, Format out, Rounding mode,
                                   std::initializer_list<double> expected) {
  const auto x = fixed_ref::gemm(p, out, with_mode(mode));
  const auto y = mpfr_ref::gemm(p, out, with_mode(mode));
  size_t e = 0;
  for (double want : expected) {
    if (auto r = gives(x.at(e), out, want); !r) return r << " at " << e << " (fixed)";
    if (auto r = gives(y.at(e), out, want); !r) return r << " at " << e << " (mpfr)";
    ++e;
  }
  return ::testing::AssertionSuccess();
}

constexpr auto fp16 = Format::fp16, bf16 = Format::bf16, fp32 = Format::fp32, fp64 = Format::fp64,
               e4m3 = Format::e4m3;
constexpr auto rne = Rounding::rne, rz = Rounding::rz, ru = Rounding::ru, rd = Rounding::rd,
               rna = Rounding::rna;

TEST(ReferenceClaims, ExactSums) {
  std::vector<double> ones(4096, 1.0);
  const Bits b = [&] {
    Bits v;
    for (double o : ones) v.push_back(round_double(fp16, o).bits);
    return v;
  }();
  // fp16 recursive summation stagnates at 2048 (docs/REFERENCE.md); the exact sum does not.
  EXPECT_TRUE(gives(fixed_ref::sum(fp16, b, fp16), fp16, 4096));
  EXPECT_TRUE(gives(mpfr_ref::sum(fp16, b, fp16), fp16, 4096));
  EXPECT_TRUE(sum_is(fp16, {1, 0x1p-24, -1}, fp16, rne, 0x1p-24));  // 2^-24 survives exactly
  EXPECT_TRUE(sum_is(bf16, {256, 1}, fp32, rne, 257));
  EXPECT_TRUE(sum_is(fp16, {2048, 1}, fp16, rne, 2048));  // tie to even
  EXPECT_TRUE(sum_is(fp16, {2048, 1}, fp16, rna, 2050));  // tie away from zero
  EXPECT_TRUE(sum_is(fp16, {2048, 1}, fp16, rz, 2048));
  EXPECT_TRUE(sum_is(fp16, {2048, 1}, fp16, ru, 2050));
  EXPECT_TRUE(sum_is(fp16, {-2048, -1}, fp16, rd, -2050));
  EXPECT_TRUE(sum_is(fp32, {0x1p127, 0x1p127}, fp64, rne, 0x1p128));
  EXPECT_TRUE(sum_is(fp32, {0x1p127, 0x1p127}, fp32, rne, INFINITY));
  EXPECT_TRUE(sum_is(fp32, {0x1p127, 0x1p127}, fp32, rz, 0x1.fffffep127));
}

TEST(ReferenceClaims, ExactDots) {
  EXPECT_TRUE(dot_is(fp16, {65504}, {65504}, fp16, rne, INFINITY));      // overflows fp16
  EXPECT_TRUE(dot_is(fp16, {65504}, {65504}, fp32, rne, 4290774016.0));  // exact in fp32
  EXPECT_TRUE(dot_is(fp16, {65504, -65504}, {65504, 65504}, fp16, rne, 0));
  EXPECT_TRUE(dot_is(fp16, {0x1p-24}, {0x1p-24}, fp32, rne, 0x1p-48));
  EXPECT_TRUE(dot_is(fp16, {0x1p-24}, {0x1p-24}, fp16, rne, 0));
  EXPECT_TRUE(dot_is(fp16, {0x1p-24}, {0x1p-24}, fp16, ru, 0x1p-24));
  EXPECT_TRUE(dot_is(fp16, {-0x1p-24}, {0x1p-24}, fp16, rne, -0.0));  // underflow keeps sign
  EXPECT_TRUE(dot_is(e4m3, {448}, {448}, fp32, rne, 200704));
  // 2^-266, the bf16 window's lowest bit, still lifts the sum off 2^254 when rounding up.
  EXPECT_TRUE(dot_is(bf16, {0x1p127, 0x1p-133}, {0x1p127, 0x1p-133}, fp64, ru,
                     std::nextafter(0x1p254, INFINITY)));
  EXPECT_TRUE(dot_is(bf16, {0x1p127, 0x1p-133}, {0x1p127, 0x1p-133}, fp64, rne, 0x1p254));
}

TEST(ReferenceClaims, Tf32PaddingBitsAreReadAsTheFp32Value) {
  const Bits x = {0x3f800001};  // 1 + 2^-23: not a canonical tf32 encoding
  EXPECT_TRUE(gives(fixed_ref::sum(Format::tf32, x, fp32), fp32, 1 + 0x1p-23));
  EXPECT_TRUE(gives(mpfr_ref::sum(Format::tf32, x, fp32), fp32, 1 + 0x1p-23));
}

TEST(ReferenceClaims, SpecialValues) {
  EXPECT_TRUE(sum_is(fp16, {INFINITY, -INFINITY}, fp16, rne, NAN));
  EXPECT_TRUE(sum_is(fp16, {INFINITY, INFINITY, -65504}, fp16, rne, INFINITY));
  EXPECT_TRUE(sum_is(bf16, {NAN, 1}, fp32, rne, NAN));
  EXPECT_TRUE(dot_is(fp16, {INFINITY}, {0}, fp32, rne, NAN));  // inf * 0
  EXPECT_TRUE(dot_is(fp16, {INFINITY, 1}, {-2, 3}, fp32, rne, -INFINITY));
  EXPECT_TRUE(dot_is(fp16, {INFINITY, INFINITY}, {1, -1}, fp32, rne, NAN));
  EXPECT_TRUE(dot_is(e4m3, {NAN}, {1}, fp16, rne, NAN));
  EXPECT_TRUE(dot_is(fp16, {INFINITY}, {1}, e4m3, rne, NAN));  // e4m3 has no inf
}

TEST(ReferenceClaims, SignOfExactZero) {
  for (Rounding m : kModes) {
    if (m == Rounding::sr) continue;  // needs a source; same rule as the other non-rd modes
    const double cancel = m == rd ? -0.0 : 0.0;
    EXPECT_TRUE(sum_is(fp16, {1, -1}, fp16, m, cancel)) << name(m);        // x + -x
    EXPECT_TRUE(sum_is(fp16, {-0.0, -0.0}, fp16, m, -0.0)) << name(m);     // all -0
    EXPECT_TRUE(sum_is(fp16, {0.0, 0.0}, fp16, m, 0.0)) << name(m);        // all +0
    EXPECT_TRUE(sum_is(fp16, {0.0, -0.0}, fp16, m, cancel)) << name(m);    // mixed zeros
    EXPECT_TRUE(sum_is(fp16, {}, fp16, m, 0.0)) << name(m);                // no terms: +0
    EXPECT_TRUE(sum_is(fp16, {-0.0, 3, -3}, fp16, m, cancel)) << name(m);  // -0 and cancellation
    EXPECT_TRUE(dot_is(fp16, {-0.0, 0.0}, {1, -1}, fp16, m, -0.0)) << name(m);  // products -0
    EXPECT_TRUE(dot_is(fp16, {2, 3}, {3, -2}, fp32, m, cancel)) << name(m);
  }
  StochasticSource s1(1), s2(1);
  const Bits x = encode(fp16, {1, -1});
  EXPECT_TRUE(gives(fixed_ref::sum(fp16, x, fp16, with_mode(Rounding::sr, &s1)), fp16, 0.0));
  EXPECT_TRUE(gives(mpfr_ref::sum(fp16, x, fp16, with_mode(Rounding::sr, &s2)), fp16, 0.0));
}

TEST(ReferenceClaims, GemmEpilogue) {
  const Bits a = encode(fp16, {1, 2, 3, 4}), b = encode(fp16, {5, 6, 7, 8});
  const Bits c = encode(fp32, {1, -1, 0.5, NAN});
  GemmProblem p{.in = fp16, .m = 2, .n = 2, .k = 2, .a = a, .b = b, .c_format = fp32, .c = c};
  EXPECT_TRUE(gemm_is(p, fp32, rne, {19, 22, 43, 50}));  // alpha 1, beta 0: C (with NaN) unread
  p.alpha = 2;
  p.beta = -1;
  EXPECT_TRUE(gemm_is(p, fp32, rne, {37, 45, 85.5, NAN}));
  p.alpha = 0;
  EXPECT_TRUE(gemm_is(p, fp32, rne, {-1, 1, -0.5, NAN}));  // alpha 0: A*B unread
  const Bits ab = encode(fp32, {19, 22, 43, 50});
  p.alpha = 1;
  p.c = ab;
  EXPECT_TRUE(gemm_is(p, fp32, rne, {0, 0, 0, 0}));             // A*B - C cancels exactly: +0
  EXPECT_TRUE(gemm_is(p, fp32, rd, {-0.0, -0.0, -0.0, -0.0}));  // ... or -0 toward -inf
  p.alpha = 0;
  p.beta = 0;
  EXPECT_TRUE(gemm_is(p, fp32, rd, {0, 0, 0, 0}));  // both terms dropped: +0
  const Bits nan_a = encode(fp16, {NAN, NAN, NAN, NAN});
  p.a = nan_a;
  EXPECT_TRUE(gemm_is(p, fp32, rne, {0, 0, 0, 0}));
  // alpha*(A*B) + beta*C rounds once: 3*(1 + 2^-10) - 3 leaves 3*2^-10 exactly.
  const Bits a1 = encode(fp16, {1 + 0x1p-10}), b1 = encode(fp16, {1});
  const Bits c1 = encode(fp32, {-3});
  GemmProblem q{.in = fp16,
                .m = 1,
                .n = 1,
                .k = 1,
                .a = a1,
                .b = b1,
                .alpha = 3,
                .beta = 1,
                .c_format = fp32,
                .c = c1};
  EXPECT_TRUE(gemm_is(q, fp64, rne, {3 * 0x1p-10}));
  EXPECT_TRUE(gemm_is(q, fp16, rne, {3 * 0x1p-10}));
  q.alpha = INFINITY;
  q.beta = 0;
  const Bits zero = encode(fp16, {0});
  q.a = zero;
  EXPECT_TRUE(gemm_is(q, fp32, rne, {NAN}));  // inf * (exact dot = 0)
  q.alpha = -1;
  EXPECT_TRUE(gemm_is(q, fp32, rne, {-0.0}));  // -1 * (+0)
}

TEST(ReferenceClaims, RejectsBadShapes) {
  const Bits two = encode(fp16, {1, 2}), one = encode(fp16, {1});
  EXPECT_THROW(fixed_ref::dot_exact(fp16, two, one), std::invalid_argument);
  EXPECT_THROW(mpfr_ref::dot_exact(fp16, two, one), std::invalid_argument);
  GemmProblem p{.in = fp16, .m = 2, .n = 1, .k = 1, .a = one, .b = one, .c = {}};
  EXPECT_THROW(fixed_ref::gemm_exact(p), std::invalid_argument);
  EXPECT_THROW(mpfr_ref::gemm_exact(p), std::invalid_argument);
}

TEST(ReferenceClaims, AccumulatorCapacity) {
  // fp16 products span 80 bits of the 128-bit window: 2^47 terms of the largest product fit.
  EXPECT_EQ(ExactAccumulator(fp16).capacity(), uint64_t{1} << 47);
  EXPECT_EQ(ExactAccumulator(bf16).capacity(), uint64_t{1} << 62);
  // Incremental use equals one call.
  const Bits a = encode(bf16, {3, -0x1p-100, 0x1p100}), b = encode(bf16, {5, 7, -0x1p-90});
  ExactAccumulator acc(bf16);
  acc.add_dot(std::span(a).first(1), std::span(b).first(1));
  acc.add_dot(std::span(a).subspan(1), std::span(b).subspan(1));
  EXPECT_EQ(acc.terms(), 3u);
  EXPECT_TRUE(same(acc.exact(), mpfr_ref::dot_exact(bf16, a, b)));
}

}  // namespace
}  // namespace numguard
