// Every non-tensor-core CPU kernel of the reduction family (kernels_under_test/cpu/:
// sequential, pairwise, blocked32, kahan, splitk4 over fp16 / bf16 / tf32 / fp32 inputs with
// fp32, fp16 or bf16 accumulation, for dot, sum and gemm, with the alpha / beta epilogue and
// the 16-bit outputs) against an oracle that re-implements the orders of docs/kernels.md on
// MPFR: every product and sum is formed exactly and rounded once, to nearest even, into the
// accumulation format by MPFR's integer rounding at the format's ulp exponent. The oracle
// shares no arithmetic with the kernels or with harness/core/rounding.cpp; it reads only the
// format constants and decode().
//
// Reference: the oracle's output bits. Tolerance: none, bitwise equality (a NaN result is the
// format's canonical quiet NaN).
//
// Also checked against their references: the fast fp16 / bf16 rounding of acc_arithmetic.h
// (NarrowRound) against round_value, the 53-bit round-to-odd addition against MPFR, and the
// emulated FMA of the accumulation formats against MPFR.
//
// Kernels are read from registry().kernels() by name (dot.*, sum.*, gemm.*), skipping tensor-core
// models (tc-*), CUDA kernels and their twins, and mutants. Random cases use a fixed seed,
// printed at start and in every failure with the line that replays the case; NUMGUARD_SEED
// overrides the seed and NUMGUARD_CASE runs a single case of a kernel test.
#include <gtest/gtest.h>
#include <mpfr.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <limits>
#include <optional>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/format.h"
#include "harness/core/kernel.h"
#include "harness/core/recipe.h"
#include "harness/core/rounding.h"
#include "harness/core/tensor.h"
#include "harness/engine/registry.h"
#include "kernels_under_test/cpu/acc_arithmetic.h"

namespace numguard {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

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
    std::printf("[cpu_kernels_test] NUMGUARD_SEED=%" PRIu64 " (set NUMGUARD_SEED to override)\n",
                s);
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

uint64_t fnv1a(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (const char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
  return h;
}

// One independent stream per (stream name, case index), so any case replays alone.
uint64_t case_seed(std::string_view stream, uint64_t index) {
  return mix(base_seed() ^ mix(fnv1a(stream) ^ index));
}

std::string replay_line(std::optional<uint64_t> index = std::nullopt) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::ostringstream s;
  s << "replay: NUMGUARD_SEED=" << base_seed();
  if (index) s << " NUMGUARD_CASE=" << *index;
  s << " ./cpu_kernels_test --gtest_filter='" << info->test_suite_name() << "." << info->name()
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

class Rng {
 public:
  explicit Rng(uint64_t seed) : g_(seed) {}
  uint64_t bits() { return g_(); }
  uint64_t below(uint64_t n) { return g_() % n; }
  int between(int lo, int hi) {
    return lo + static_cast<int>(below(static_cast<uint64_t>(hi - lo + 1)));
  }
  bool chance(double p) { return uniform(0, 1) < p; }
  double uniform(double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(g_);
  }

 private:
  std::mt19937_64 g_;
};

std::string hex(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%a", x);
  return buf;
}

std::string hex_bits(uint64_t b) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%" PRIx64, b);
  return buf;
}

// Equal as IEEE values including the sign of zero; any NaN equals any NaN.
::testing::AssertionResult same_double(double got, double want) {
  if (std::isnan(got) && std::isnan(want)) return ::testing::AssertionSuccess();
  if (got == want && std::signbit(got) == std::signbit(want)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "got " << hex(got) << ", reference " << hex(want);
}

// ---------------------------------------------------------------------------------------
// The MPFR oracle

// Every value the oracle adds or multiplies is a double that is a value of fp32 or a narrower
// format, or a product of two of them: all are multiples of 2^-298 below 2^257, so 1200 bits
// hold every sum and product exactly. exact() checks that no operation rounded.
constexpr mpfr_prec_t kExactBits = 1200;

void exact(int ternary) {
  if (ternary != 0) throw std::logic_error("cpu_kernels_test oracle: an MPFR operation rounded");
}

class Exact {
 public:
  Exact() { mpfr_init2(v_, kExactBits); }
  ~Exact() { mpfr_clear(v_); }
  Exact(const Exact&) = delete;
  Exact& operator=(const Exact&) = delete;
  mpfr_ptr get() { return v_; }

 private:
  mpfr_t v_;
};

// The exact value x rounded to nearest even into f, subnormals kept, overflow to infinity, as
// a double: x * 2^-q is rounded to an integer by mpfr_rint (ties to even), where q is the ulp
// exponent of x in f, max(floor(log2 |x|), emin) - (p - 1). IEEE signed zeros and specials
// come from MPFR, which follows IEEE 754 for them.
double round_into(Format f, mpfr_srcptr x) {
  if (mpfr_nan_p(x)) return kNaN;
  if (mpfr_inf_p(x)) return mpfr_signbit(x) ? -kInf : kInf;
  if (mpfr_zero_p(x)) return mpfr_signbit(x) ? -0.0 : 0.0;
  const FormatDesc& d = desc(f);
  const long e = static_cast<long>(mpfr_get_exp(x)) - 1;  // x = m * 2^exp, 1/2 <= |m| < 1
  const long q = std::max<long>(e, d.emin()) - (d.precision - 1);
  static Exact scaled;
  exact(mpfr_mul_2si(scaled.get(), x, -q, MPFR_RNDN));
  mpfr_rint(scaled.get(), scaled.get(), MPFR_RNDN);
  // An integer of at most p + 1 bits: exact in double, and so is the scaling back.
  const double r = std::ldexp(mpfr_get_d(scaled.get(), MPFR_RNDN), static_cast<int>(q));
  if (std::fabs(r) > d.max_finite()) return std::copysign(kInf, r);
  return r;
}

// Bits of a value that f holds exactly, encoded without the harness's rounding code; a NaN is
// the format's canonical quiet NaN.
uint64_t encode_exact(Format f, double v) {
  if (std::isnan(v)) return desc(f).nan_bits();
  const float x = static_cast<float>(v);
  if (static_cast<double>(x) != v) throw std::logic_error("encode_exact: not an fp32 value");
  const uint32_t b32 = std::bit_cast<uint32_t>(x);
  switch (f) {
    case Format::fp32:
      return b32;
    case Format::bf16:
      if ((b32 & 0xffff) != 0) throw std::logic_error("encode_exact: not a bf16 value");
      return b32 >> 16;
    case Format::fp16: {
      const uint64_t sign = std::signbit(v) ? 0x8000 : 0;
      const double a = std::fabs(v);
      if (std::isinf(a)) return sign | 0x7c00;
      if (a == 0) return sign;
      const int e = std::max(std::ilogb(a), -14);  // subnormals share 2^-14's ulp
      const double m = std::ldexp(a, 10 - e);      // [1024, 2048) or a subnormal's
      if (m != std::floor(m) || e > 15) throw std::logic_error("encode_exact: not an fp16 value");
      const uint64_t mant = static_cast<uint64_t>(m);
      return sign | (mant < 1024 ? mant : (static_cast<uint64_t>(e + 15) << 10) | (mant - 1024));
    }
    default:
      throw std::logic_error("encode_exact: unexpected output format");
  }
}

// The reduction orders of docs/kernels.md in one accumulation format, every operation an
// exact MPFR operation followed by round_into. Terms are x_i = a_i * b_i (dot, gemm; formed
// exactly in MPFR) or x_i = a_i (sum, b == nullptr).
class ReductionOracle {
 public:
  ReductionOracle(Format acc, Format partial) : acc_(acc), partial_(partial) {}

  double reduce(std::string_view algorithm, const double* a, const double* b, int64_t k) {
    a_ = a;
    b_ = b;
    if (k == 0) return 0.0;  // an empty reduction is +0
    if (algorithm == "sequential") return sequential(0, k);
    if (algorithm == "pairwise") return pairwise(0, k);
    if (algorithm == "blocked32") return chunked(k, 32, acc_);
    if (algorithm == "splitk4") return chunked(k, (k + 3) / 4, partial_);
    if (algorithm == "kahan") return kahan(k);
    throw std::logic_error("oracle: no order for algorithm " + std::string(algorithm));
  }

  // y = alpha*acc + beta*c, each operation rounded into acc, alpha and beta first rounded to
  // acc and c rounded into it; alpha == 0 drops the a*b term and beta == 0 the c term, so
  // alpha == 1, beta == 0 performs no operation.
  double epilogue(double alpha, double beta, double acc, double c) {
    if (alpha == 1 && beta == 0) return acc;
    const bool ab_term = alpha != 0, c_term = beta != 0;
    if (!ab_term && !c_term) return 0.0;
    const double ab = ab_term ? mul(rn(alpha), acc) : 0.0;
    const double bc = c_term ? mul(rn(beta), rn(c)) : 0.0;
    if (!c_term) return ab;
    if (!ab_term) return bc;
    return add(ab, bc);
  }

 private:
  // t_ = x_i exactly.
  void load_term(int64_t i) {
    exact(mpfr_set_d(t_.get(), a_[i], MPFR_RNDN));
    if (b_ != nullptr) exact(mpfr_mul_d(t_.get(), t_.get(), b_[i], MPFR_RNDN));
  }
  double rn_term(int64_t i) {  // RN(x_i)
    load_term(i);
    return round_into(acc_, t_.get());
  }
  double plus_term(double s, int64_t i) {  // RN(s + x_i), fused for products
    load_term(i);
    exact(mpfr_add_d(t_.get(), t_.get(), s, MPFR_RNDN));
    return round_into(acc_, t_.get());
  }
  double term_minus(int64_t i, double c) {  // RN(x_i - c), fused for products
    load_term(i);
    exact(mpfr_sub_d(t_.get(), t_.get(), c, MPFR_RNDN));
    return round_into(acc_, t_.get());
  }
  double add(double x, double y) {
    exact(mpfr_set_d(t_.get(), x, MPFR_RNDN));
    exact(mpfr_add_d(t_.get(), t_.get(), y, MPFR_RNDN));
    return round_into(acc_, t_.get());
  }
  double mul(double x, double y) {
    exact(mpfr_set_d(t_.get(), x, MPFR_RNDN));
    exact(mpfr_mul_d(t_.get(), t_.get(), y, MPFR_RNDN));
    return round_into(acc_, t_.get());
  }
  double rn(double x) {
    exact(mpfr_set_d(t_.get(), x, MPFR_RNDN));
    return round_into(acc_, t_.get());
  }

  // s = RN(x_lo), then s = RN(s + x_i) for the following terms.
  double sequential(int64_t lo, int64_t n) {
    double s = rn_term(lo);
    for (int64_t i = lo + 1; i < lo + n; ++i) s = plus_term(s, i);
    return s;
  }
  // n terms split at h = floor(n/2): RN(left h terms + right n - h terms); a leaf is RN(x_i).
  double pairwise(int64_t lo, int64_t n) {
    if (n == 1) return rn_term(lo);
    const int64_t h = n / 2;
    const double left = pairwise(lo, h);
    const double right = pairwise(lo + h, n - h);
    return add(left, right);
  }
  // Chunks of `chunk` consecutive terms (the last holds the remainder) summed sequentially,
  // each stored in `stored`, then summed in chunk order: ((c0 + c1) + c2) + ...
  double chunked(int64_t k, int64_t chunk, Format stored) {
    const auto store = [&](double v) {
      exact(mpfr_set_d(t_.get(), v, MPFR_RNDN));
      return round_into(stored, t_.get());
    };
    double total = store(sequential(0, std::min(chunk, k)));
    for (int64_t lo = chunk; lo < k; lo += chunk)
      total = add(total, store(sequential(lo, std::min(chunk, k - lo))));
    return total;
  }
  // s = RN(x_1), c = 0; y = RN(x_i - c), t = RN(s + y), c = RN(RN(t - s) - y) (0 when t is not
  // finite), s = t.
  double kahan(int64_t k) {
    double s = rn_term(0), c = 0.0;
    for (int64_t i = 1; i < k; ++i) {
      const double y = term_minus(i, c);
      const double t = add(s, y);
      c = std::isfinite(t) ? add(add(t, -s), -y) : 0.0;
      s = t;
    }
    return s;
  }

  Format acc_, partial_;
  const double* a_ = nullptr;
  const double* b_ = nullptr;
  Exact t_;
};

// ---------------------------------------------------------------------------------------
// The kernels under test

// What the kernel name promises (docs/kernels.md, "Names"): <op>.<in>.<acc>acc.<algorithm>
// with a .<out>out suffix when the output format is not the accumulation format.
struct Spec {
  std::string op, algorithm;
  Format in, acc, out;
};

const std::regex& name_pattern() {
  static const std::regex re(
      R"(^(dot|sum|gemm)\.(fp16|bf16|tf32|fp32)\.(fp32|fp16|bf16)acc\.)"
      R"((sequential|pairwise|blocked32|kahan|splitk4)(?:\.(fp16|bf16)out)?$)");
  return re;
}

std::optional<Spec> parse_name(const std::string& name) {
  std::smatch m;
  if (!std::regex_match(name, m, name_pattern())) return std::nullopt;
  Spec s{m[1], m[4], *format_from_name(m[2].str()), *format_from_name(m[3].str()), Format::fp32};
  s.out = m[5].matched ? *format_from_name(m[5].str()) : s.acc;
  return s;
}

// Split-K partials: fp32 for fp32 accumulation, the input format for 16-bit accumulation.
Format partial_format(const Spec& s) {
  return s.acc == Format::fp32 ? Format::fp32 : s.in;
}

// CPU twins of CUDA kernels are named <cuda kernel>.twin (kernels_under_test/cuda/register_*.cpp)
// and named by their CUDA kernel's twin_of; they reproduce device orders this oracle does not
// model.
bool is_twin(const KernelDesc& k) {
  if (k.name.ends_with(".twin")) return true;
  for (const KernelDesc& other : registry().kernels())
    if (other.twin_of == k.name) return true;
  return false;
}

bool under_test(const KernelDesc& k) {
  return !k.mutant && k.device == Device::cpu && k.twin_of.empty() && !is_twin(k) &&
         k.name.find(".tc-") == std::string::npos;
}

// Names of the registered kernels under test, sorted.
std::vector<std::string> kernels_under_test() {
  std::vector<std::string> names;
  for (const KernelDesc* k : select_kernels("dot.*,sum.*,gemm.*", /*include_mutants=*/false))
    if (under_test(*k)) names.push_back(k->name);
  return names;
}

// docs/kernels.md "Kernel lists": fp32_accumulation.cpp, acc_in_input_format.cpp and
// narrow_output.cpp.
std::set<std::string> documented_kernels() {
  std::set<std::string> names;
  const char* algorithms[] = {"sequential", "pairwise", "blocked32", "kahan", "splitk4"};
  for (const char* op : {"dot", "sum", "gemm"}) {
    for (const char* algo : algorithms) {
      for (const char* in : {"fp16", "bf16", "tf32", "fp32"})
        names.insert(std::string(op) + "." + in + ".fp32acc." + algo);
      for (const char* f : {"fp16", "bf16"})
        names.insert(std::string(op) + "." + f + "." + f + "acc." + algo);
    }
  }
  names.insert("gemm.bf16.fp32acc.sequential.bf16out");
  names.insert("gemm.fp16.fp32acc.sequential.fp16out");
  return names;
}

// ---------------------------------------------------------------------------------------
// Inputs

enum class Mode : uint8_t {
  any_finite,      // every finite bit pattern equally likely (subnormals, huge values)
  moderate,        // U(-1, 1) * 2^[-6, 5]
  small_ints,      // -4 .. 4: exact in every format and order
  wide_exponents,  // U(-1, 1) * 2^[-50, 9]: fp16 subnormals and underflow
  cancelling,      // moderate, most odd terms the negation of the previous one, some +-0
  specials,        // moderate with +-inf, NaN, +-0, +-max finite, min subnormal sprinkled in
  near_overflow,   // magnitudes in the input format's top binades
};
constexpr Mode kModes[] = {Mode::any_finite,     Mode::moderate,   Mode::small_ints,
                           Mode::wide_exponents, Mode::cancelling, Mode::specials,
                           Mode::near_overflow};
constexpr std::string_view kModeNames[] = {"any_finite",     "moderate",   "small_ints",
                                           "wide_exponents", "cancelling", "specials",
                                           "near_overflow"};
std::string_view name(Mode m) {
  return kModeNames[static_cast<size_t>(m)];
}

// K values: empty, tiny, and both sides of the block (32), split (4) and pairwise boundaries.
constexpr int64_t kKs[] = {0,  1,  2,  3,  4,  5,   7,   8,   15,  31,
                           32, 33, 63, 64, 65, 100, 127, 128, 129, 257};

struct Epilogue {
  double alpha, beta;
};
// Non-default epilogues: both terms, each term alone, neither, alpha and beta not
// representable in 16-bit formats.
constexpr Epilogue kEpilogues[] = {{0.75, -1.5}, {0, 2},     {-2, 0}, {0, 0},
                                   {1, 1},       {0.1, 0.3}, {1, -1}};

uint64_t random_finite_bits(Format f, Rng& rng) {
  const FormatDesc& d = desc(f);
  for (;;) {
    const uint64_t b = rng.bits() & d.storage_mask() & ~((uint64_t{1} << d.pad_bits()) - 1);
    if (is_finite(f, b)) return b;
  }
}

uint64_t special_bits(Format f, Rng& rng) {
  const FormatDesc& d = desc(f);
  const uint64_t specials[] = {d.inf_bits(false),
                               d.inf_bits(true),
                               d.nan_bits(),
                               0,
                               d.sign_mask(),
                               d.max_finite_bits(),
                               d.sign_mask() | d.max_finite_bits(),
                               d.min_subnormal_bits()};
  return specials[rng.below(std::size(specials))];
}

// The generator encodes its random doubles with the harness's rounding; the oracle does not
// depend on it (it reads the decoded inputs).
uint64_t random_bits(Format f, Mode mode, Rng& rng) {
  const FormatDesc& d = desc(f);
  for (;;) {
    double v;
    switch (mode) {
      case Mode::any_finite:
        return random_finite_bits(f, rng);
      case Mode::small_ints:
        v = rng.between(-4, 4);
        break;
      case Mode::wide_exponents:
        v = std::ldexp(rng.uniform(-1, 1), rng.between(-50, 9));
        break;
      case Mode::near_overflow:
        v = std::ldexp(rng.uniform(0.5, 1) * (rng.chance(0.5) ? 1 : -1),
                       d.emax() + 1 - rng.between(0, 3));
        break;
      case Mode::specials:
        if (rng.chance(0.05)) return special_bits(f, rng);
        [[fallthrough]];
      default:
        v = std::ldexp(rng.uniform(-1, 1), rng.between(-6, 5));
    }
    const uint64_t b = round_double(f, v).bits;
    if (is_finite(f, b)) return b;
  }
}

struct Case {
  Problem p;
  Mode mode;
};

// Case `index` of a kernel: K and the input mode cycle through every combination (index
// modulo 20 picks K, the quotient modulo 7 the mode); shape, values, epilogue and the format
// of c are drawn from the case's own stream.
Case make_case(const Spec& s, uint64_t index, Rng& rng) {
  Case c;
  c.mode = kModes[(index / std::size(kKs)) % std::size(kModes)];
  Problem& p = c.p;
  p.k = kKs[index % std::size(kKs)];
  const bool sum = s.op == "sum";
  if (s.op != "dot") p.m = rng.between(1, 3);
  if (s.op == "gemm") p.n = rng.between(1, 3);
  p.a = Tensor(s.in, {p.m, p.k});
  for (auto& b : p.a.bits) b = random_bits(s.in, c.mode, rng);
  if (!sum) {
    p.b = Tensor(s.in, {p.k, p.n});
    for (auto& b : p.b.bits) b = random_bits(s.in, c.mode, rng);
  }
  if (c.mode == Mode::cancelling) {
    const uint64_t sign = desc(s.in).sign_mask();
    for (int64_t r = 1; r < p.k; r += 2) {
      if (!rng.chance(0.75)) continue;  // x_r = -x_(r-1)
      for (int64_t i = 0; i < p.m; ++i) p.a.bits[i * p.k + r] = p.a.bits[i * p.k + r - 1] ^ sign;
      if (!sum)
        for (int64_t j = 0; j < p.n; ++j) p.b.bits[r * p.n + j] = p.b.bits[(r - 1) * p.n + j];
    }
    for (auto& b : p.a.bits)
      if (rng.chance(0.1)) b = rng.chance(0.5) ? 0 : sign;
  }
  if (rng.chance(0.5)) {
    const Epilogue e = kEpilogues[rng.below(std::size(kEpilogues))];
    p.alpha = e.alpha;
    p.beta = e.beta;
    const Format c_formats[] = {s.out, Format::fp32, Format::fp64};
    const Format cf = c_formats[rng.below(3)];
    p.c = Tensor(cf, {p.m, p.n});
    for (auto& b : p.c.bits)  // beta == 0: c must not be read, so NaN shows if it is
      b = p.beta == 0
              ? desc(cf).nan_bits()
              : random_bits(cf, rng.chance(0.8) ? Mode::moderate : Mode::wide_exponents, rng);
    if (p.alpha == 0 && !p.a.bits.empty()) p.a.bits[0] = desc(s.in).nan_bits();  // nor a
  }
  return c;
}

// The oracle's output bits for p, row-major {m, n}.
std::vector<uint64_t> oracle_output(const Spec& s, const Problem& p) {
  const bool sum = s.op == "sum";
  const int64_t n = sum ? 1 : p.n;
  const std::vector<double> a = p.a.values(), b = p.b.values(), c = p.c.values();
  ReductionOracle o(s.acc, partial_format(s));
  std::vector<double> column(static_cast<size_t>(p.k));
  std::vector<uint64_t> out;
  for (int64_t i = 0; i < p.m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      double acc = 0.0;
      if (p.alpha != 0) {
        if (!sum)
          for (int64_t r = 0; r < p.k; ++r) column[r] = b[r * n + j];
        acc = o.reduce(s.algorithm, a.data() + i * p.k, sum ? nullptr : column.data(), p.k);
      }
      const double y = o.epilogue(p.alpha, p.beta, acc, p.beta != 0 ? c[i * n + j] : 0.0);
      Exact exact_y;
      mpfr_set_d(exact_y.get(), y, MPFR_RNDN);
      out.push_back(encode_exact(s.out, round_into(s.out, exact_y.get())));
    }
  }
  return out;
}

std::string describe(const Spec& s, const Case& c, int64_t i, int64_t j) {
  std::ostringstream o;
  o << "element (" << i << ", " << j << ") of " << c.p.m << " x " << (s.op == "sum" ? 1 : c.p.n)
    << ", k = " << c.p.k << ", inputs " << name(c.mode) << ", alpha = " << c.p.alpha
    << ", beta = " << c.p.beta;
  if (!c.p.c.empty()) o << ", c in " << name(c.p.c.format);
  return o.str();
}

// ---------------------------------------------------------------------------------------
// The kernel table

TEST(CpuKernelTable, EveryDocumentedKernelIsUnderTest) {
  const std::vector<std::string> selected = kernels_under_test();
  const std::set<std::string> have(selected.begin(), selected.end());
  std::vector<std::string> missing;
  for (const std::string& n : documented_kernels())
    if (!have.count(n)) missing.push_back(n);
  EXPECT_TRUE(missing.empty()) << "documented but not registered: "
                               << ::testing::PrintToString(missing);
}

TEST(CpuKernelTable, EveryKernelUnderTestHasAnOracle) {
  const std::vector<std::string> names = kernels_under_test();
  ASSERT_FALSE(names.empty());
  std::vector<std::string> unknown;
  for (const std::string& n : names)
    if (!parse_name(n)) unknown.push_back(n);
  EXPECT_TRUE(unknown.empty()) << "CPU reduction kernels this test has no oracle for (extend "
                                  "ReductionOracle and documented_kernels()): "
                               << ::testing::PrintToString(unknown);
}

class CpuKernel : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    kernel_ = find_kernel(GetParam());
    ASSERT_NE(kernel_, nullptr);
    const auto spec = parse_name(GetParam());
    if (!spec)
      GTEST_SKIP()
          << "no oracle for this name (CpuKernelTable.EveryKernelUnderTestHasAnOracle fails)";
    spec_ = *spec;
  }
  const KernelDesc* kernel_ = nullptr;
  Spec spec_;
};

// The recipe the engine derives bounds from says what the name says.
TEST_P(CpuKernel, RecipeMatchesName) {
  const Recipe& r = kernel_->recipe;
  const Accumulation& a = r.shape;
  EXPECT_EQ(kernel_->op, spec_.op);
  EXPECT_EQ(name(r.in), name(spec_.in));
  EXPECT_FALSE(r.input_cast.has_value());
  EXPECT_EQ(name(r.acc), name(spec_.acc));
  EXPECT_EQ(name(r.acc_rounding), name(Rounding::rne));
  EXPECT_EQ(name(r.out), name(spec_.out));
  EXPECT_EQ(name(r.out_rounding), name(Rounding::rne));
  EXPECT_FALSE(r.ftz.any());
  EXPECT_FALSE(r.daz);
  // Products declared rounded (product = acc) exactly for pairwise leaves that are not exact
  // in the accumulation format: every product except fp16's in fp32.
  const bool rounded_products = spec_.algorithm == "pairwise" && spec_.op != "sum" &&
                                !(spec_.acc == Format::fp32 && spec_.in == Format::fp16);
  EXPECT_EQ(r.product.has_value(), rounded_products);
  if (rounded_products && r.product) {
    EXPECT_EQ(name(*r.product), name(spec_.acc));
  }
  const std::string_view order = spec_.algorithm == "sequential"  ? "sequential"
                                 : spec_.algorithm == "pairwise"  ? "pairwise"
                                 : spec_.algorithm == "blocked32" ? "blocked"
                                 : spec_.algorithm == "kahan"     ? "compensated"
                                                                  : "split_k";
  EXPECT_EQ(name(a.order), order);
  if (spec_.algorithm == "blocked32") {
    EXPECT_EQ(a.block, 32);
  }
  if (spec_.algorithm == "splitk4") {
    EXPECT_EQ(a.splits, 4);
    EXPECT_EQ(name(a.partial), name(partial_format(spec_)));
  }
}

Problem zero_problem(const Spec& s, int64_t m, int64_t n, int64_t k, uint64_t a_bits) {
  Problem p;
  p.m = s.op == "dot" ? 1 : m;
  p.n = s.op == "gemm" ? n : 1;
  p.k = k;
  p.a = Tensor(s.in, {p.m, k});
  for (auto& b : p.a.bits) b = a_bits;
  if (s.op != "sum") p.b = Tensor(s.in, {k, p.n});  // +0
  return p;
}

// An empty reduction is +0 (all-zero bits in every format).
TEST_P(CpuKernel, EmptyReductionIsPositiveZero) {
  Tensor out;
  kernel_->run(zero_problem(spec_, 2, 3, 0, 0), out);
  for (size_t e = 0; e < out.size(); ++e) EXPECT_EQ(out.bits[e], uint64_t{0}) << "element " << e;
}

// Chains start from their first term, so terms that are all -0 (sum: a = -0; dot, gemm:
// -0 * +0) reduce to -0 as IEEE 754-2019 6.3 gives it, across blocks and splits.
TEST_P(CpuKernel, NegativeZeroTermsGiveNegativeZero) {
  const uint64_t negative_zero_out = desc(spec_.out).sign_mask();
  for (int64_t k : {1, 5, 40}) {
    Tensor out;
    kernel_->run(zero_problem(spec_, 2, 3, k, desc(spec_.in).sign_mask()), out);
    for (size_t e = 0; e < out.size(); ++e)
      EXPECT_EQ(out.bits[e], negative_zero_out) << "k = " << k << ", element " << e;
  }
}

// Every (K, input mode) combination kRounds times, with fresh values each round.
constexpr uint64_t kRounds = 4;
constexpr uint64_t kCasesPerKernel = kRounds * std::size(kKs) * std::size(kModes);
constexpr int kMaxFailingCases = 3;

// Reference: ReductionOracle's bits. Tolerance: none.
TEST_P(CpuKernel, BitwiseEqualToMpfrOracle) {
  int failing_cases = 0;
  for (const uint64_t index : case_indices(kCasesPerKernel)) {
    SCOPED_TRACE(replay_line(index));
    Rng rng(case_seed(kernel_->name, index));
    const Case c = make_case(spec_, index, rng);
    Tensor out;
    kernel_->run(c.p, out);
    const int64_t n = spec_.op == "sum" ? 1 : c.p.n;
    ASSERT_EQ(name(out.format), name(spec_.out));
    ASSERT_EQ(out.shape, (std::vector<int64_t>{c.p.m, n}));
    const std::vector<uint64_t> want = oracle_output(spec_, c.p);
    bool ok = true;
    for (int64_t i = 0; i < c.p.m; ++i) {
      for (int64_t j = 0; j < n; ++j) {
        const uint64_t got = out.bits[i * n + j], ref = want[i * n + j];
        EXPECT_EQ(hex_bits(got), hex_bits(ref))
            << describe(spec_, c, i, j) << ": kernel " << hex(decode(spec_.out, got)) << ", oracle "
            << hex(decode(spec_.out, ref));
        ok = ok && got == ref;
      }
    }
    if (!ok && ++failing_cases == kMaxFailingCases) {
      ADD_FAILURE() << "stopping after " << kMaxFailingCases << " failing cases";
      return;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(CpuKernels, CpuKernel, ::testing::ValuesIn(kernels_under_test()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string s = info.param;
                           for (char& ch : s)
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return s;
                         });

// ---------------------------------------------------------------------------------------
// The accumulation arithmetic (acc_arithmetic.h)

constexpr int kMaxReported = 10;

// NarrowRound (the "magic number" RNE) against round_value: random doubles from 2^-300 to
// 2^300 and the formats' specials.
TEST(NarrowRound, MatchesRoundValueOnRandomDoubles) {
  SCOPED_TRACE(replay_line());
  for (const Format f : {Format::fp16, Format::bf16}) {
    const kernels::NarrowRound round(f);
    Rng rng(case_seed(std::string("narrow.random.") + std::string(name(f)), 0));
    int failures = 0;
    for (int i = 0; i < 2000000 && failures < kMaxReported; ++i) {
      const double x = std::ldexp(rng.uniform(-2, 2), rng.between(-300, 300));
      const auto r = same_double(round(x), round_value(f, x));
      EXPECT_TRUE(r) << name(f) << ", x = " << hex(x);
      failures += !r;
    }
    for (const double x : {0.0, -0.0, kInf, -kInf, kNaN})
      EXPECT_TRUE(same_double(round(x), round_value(f, x))) << name(f) << ", x = " << hex(x);
  }
}

// Around every finite value v of the format and every midpoint between neighbours (ties go
// to even, the midpoint above max finite goes to inf, the one below the smallest subnormal
// to 0), both signs.
TEST(NarrowRound, MatchesRoundValueAtEveryMidpoint) {
  for (const Format f : {Format::fp16, Format::bf16}) {
    const FormatDesc& d = desc(f);
    const kernels::NarrowRound round(f);
    int failures = 0;
    for (uint64_t bits = 0; bits <= d.max_finite_bits() && failures < kMaxReported; ++bits) {
      const double v = decode(f, bits);
      const double next =
          bits == d.max_finite_bits() ? std::ldexp(1.0, d.emax() + 1) : decode(f, bits + 1);
      const double mid = (v + next) / 2;  // exact in double
      for (const double x :
           {v, mid, std::nextafter(mid, 0.0), std::nextafter(mid, kInf), std::nextafter(v, kInf)}) {
        for (const double sx : {x, -x}) {
          const auto r = same_double(round(sx), round_value(f, sx));
          EXPECT_TRUE(r) << name(f) << ", x = " << hex(sx);
          failures += !r;
        }
      }
    }
  }
}

// add_round_to_odd(x, y) is x + y rounded to 53 bits toward zero, with the last bit forced
// to 1 when inexact: MPFR adds at 53 bits with RNDZ and reports inexactness.
double mpfr_add_round_to_odd(double x, double y) {
  mpfr_t r;
  mpfr_init2(r, 53);
  mpfr_set_d(r, x, MPFR_RNDN);
  const int inexact = mpfr_add_d(r, r, y, MPFR_RNDZ);
  double s = mpfr_get_d(r, MPFR_RNDN);  // 53 bits, within double's normal range: exact
  mpfr_clear(r);
  const uint64_t bits = std::bit_cast<uint64_t>(s);
  if (inexact != 0 && (bits & 1) == 0) s = std::bit_cast<double>(bits + 1);  // one ulp outward
  return s;
}

double random_double(Rng& rng, int e) {
  uint64_t mant = rng.bits() & ((uint64_t{1} << 52) - 1);
  if (rng.chance(0.3)) mant &= ~((uint64_t{1} << rng.between(1, 52)) - 1);  // short significands
  const double m = 1 + std::ldexp(static_cast<double>(mant), -52);
  return std::ldexp(rng.chance(0.5) ? m : -m, e);
}

TEST(AccArithmetic, AddRoundToOddMatchesMpfr) {
  SCOPED_TRACE(replay_line());
  Rng rng(case_seed("round_to_odd", 0));
  int failures = 0;
  for (int i = 0; i < 300000 && failures < kMaxReported; ++i) {
    const int e = rng.between(-900, 900);
    const double x = random_double(rng, e);
    const double y = rng.chance(0.02) ? 0.0 : random_double(rng, e + rng.between(-110, 110));
    const auto r = same_double(kernels::add_round_to_odd(x, y), mpfr_add_round_to_odd(x, y));
    EXPECT_TRUE(r) << hex(x) << " + " << hex(y);
    failures += !r;
  }
}

// add(R, x, y1*y2) is the accumulation format's correctly rounded x + y1*y2 (an exact FMA):
// x a value of the accumulation format, y1 and y2 values of an input format it accumulates,
// a quarter of the cases with x = -RN(y1*y2) (cancellation down to the rounding error).
TEST(AccArithmetic, AddIsTheCorrectlyRoundedFma) {
  SCOPED_TRACE(replay_line());
  struct Combo {
    Format acc, in;
  };
  const Combo combos[] = {{Format::fp32, Format::fp16}, {Format::fp32, Format::bf16},
                          {Format::fp32, Format::tf32}, {Format::fp32, Format::fp32},
                          {Format::fp16, Format::fp16}, {Format::bf16, Format::bf16}};
  Rng rng(case_seed("fma", 0));
  Exact t;
  int failures = 0, checked = 0;
  for (int i = 0; i < 300000 && failures < kMaxReported; ++i) {
    const Combo cb = combos[i % std::size(combos)];
    const Mode mode = rng.chance(0.5) ? Mode::any_finite : Mode::wide_exponents;
    const double y1 = decode(cb.in, random_bits(cb.in, mode, rng));
    const double y2 = decode(cb.in, random_bits(cb.in, mode, rng));
    exact(mpfr_set_d(t.get(), y1, MPFR_RNDN));
    exact(mpfr_mul_d(t.get(), t.get(), y2, MPFR_RNDN));
    const double x = rng.chance(0.25) ? -round_into(cb.acc, t.get())
                                      : decode(cb.acc, random_bits(cb.acc, mode, rng));
    if (!std::isfinite(x)) continue;
    ++checked;
    exact(mpfr_add_d(t.get(), t.get(), x, MPFR_RNDN));
    const double want = round_into(cb.acc, t.get());
    const double got = kernels::with_acc_rounding(
        cb.acc, [&](const auto& round) { return kernels::add(round, x, y1 * y2); });
    const auto r = same_double(got, want);
    EXPECT_TRUE(r) << name(cb.acc) << " accumulation: " << hex(x) << " + " << hex(y1) << " * "
                   << hex(y2);
    failures += !r;
  }
  EXPECT_GE(checked, 150000);  // 296113 of 300000 x are finite; half
}

}  // namespace
}  // namespace numguard
