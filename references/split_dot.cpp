#include "references/split_dot.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "references/fixed_window.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>
#endif

namespace numguard::split_dot {
namespace {

// Terms per lane and accumulator between two folds: 2^kLaneLog. Larger blocks cost split
// points (each covers 50 - kLaneLog bits), smaller ones cost folds.
constexpr int kLaneLog = 10;
constexpr size_t kLaneTerms = size_t{1} << kLaneLog;
constexpr int kMaxSplits = 3;

// Where the terms are cut. Terms: |x| < 2^hi, each an integer multiple of 2^lo.
struct Plan {
  int splits = 0;                   // split points; the last accumulator takes the rests
  std::array<int, kMaxSplits> t{};  // split point p rounds to multiples of 2^t[p]
  int lo = 0;
};

// Split point p+1 takes rests below 2^(t_p - 1), rounded parts at most 2^t_p; 2^kLaneLog of
// those must stay below 2^(t_{p+1} + 51), half the binade of its accumulator's start
// 1.5 * 2^(t + 52). The first takes terms below 2^hi (rounded parts below 2^(hi + 1)). The
// last accumulator sums rests below 2^(t_last - 1), multiples of 2^lo: exact while
// 2^(t_last - 1 + kLaneLog) <= 2^(53 + lo); one bit of margin is kept everywhere.
std::optional<Plan> plan(int hi, int lo) {
  Plan p;
  p.lo = lo;
  if (hi - lo + kLaneLog <= 52) return p;  // the plain sum is already exact
  int t = hi + kLaneLog - 49;
  for (;;) {
    if (p.splits == kMaxSplits) return std::nullopt;
    p.t[static_cast<size_t>(p.splits++)] = t;
    if (t <= lo + 53 - kLaneLog) return p;
    t += kLaneLog - 50;
  }
}

// How a term is formed from the stored floats: x itself, a b in float (exact when the
// significands and the exponent range allow), or a b in double (always exact).
enum class Terms { values, float_products, double_products };

using Window = fixed_window::ChunkWindow<Result::kLimbs - 2>;

// v is an integer multiple of 2^lo (every accumulator holds one) and a normal double.
void add_double(Window& w, double v, int lo) {
  if (v == 0) return;
  const uint64_t u = std::bit_cast<uint64_t>(v);
  int e = static_cast<int>((u >> 52) & 0x7ff) - 1075;
  int64_t m = static_cast<int64_t>((u & ((uint64_t{1} << 52) - 1)) | (uint64_t{1} << 52));
  if (e < lo) {  // the low bits are zero: v is a multiple of 2^lo
    m >>= lo - e;
    e = lo;
  }
  w.add((u >> 63) ? -m : m, static_cast<unsigned>(e - lo));
}

struct Totals {
  Window window;
  double abs_sum = 0, max_abs = 0;
  bool nonfinite = false;  // a NaN or inf reached the accumulators
};

// The kernel, compiled twice: for any CPU (2 lanes, vector extensions) and with AVX2 (4
// lanes, intrinsics where GCC's vector extensions split 256-bit conversions).
namespace generic {
#include "references/split_dot_kernel.inc"
}  // namespace generic

#if defined(__x86_64__) || defined(__i386__)
#define NUMGUARD_SPLIT_AVX 1
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,f16c"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,f16c")
#endif
namespace avx2 {
#define NUMGUARD_SPLIT_KERNEL_AVX2 1
#include "references/split_dot_kernel.inc"
#undef NUMGUARD_SPLIT_KERNEL_AVX2
}  // namespace avx2
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#endif

std::atomic<bool> portable_only{false};

bool has_avx2() {
#ifdef NUMGUARD_SPLIT_AVX
  // F16C: CPUID leaf 1, ECX bit 29 (clang's __builtin_cpu_supports does not know it).
  static const bool yes = [] {
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    return __builtin_cpu_supports("avx2") && __get_cpuid(1, &eax, &ebx, &ecx, &edx) != 0 &&
           (ecx & (1u << 29)) != 0;
  }();
  return yes && !portable_only.load(std::memory_order_relaxed);
#else
  return false;
#endif
}

void run_best(const float* a, const float* b, size_t n, const Plan& p, Terms t, bool stats,
              Totals& out) {
#ifdef NUMGUARD_SPLIT_AVX
  if (has_avx2()) return avx2::run_planned(a, b, n, p, t, stats, out);
#endif
  generic::run_planned(a, b, n, p, t, stats, out);
}

std::optional<Result> finish(const Totals& t, int lo) {
  if (t.nonfinite) return std::nullopt;
  Result r;
  std::array<uint64_t, Window::kMagnitudeLimbs> mag;
  r.negative = t.window.magnitude(mag);
  if (std::all_of(mag.begin(), mag.end(), [](uint64_t x) { return x == 0; })) return std::nullopt;
  static_assert(Window::kMagnitudeLimbs == Result::kLimbs);
  r.mag = mag;
  r.lsb_exp = lo;
  r.abs_sum = t.abs_sum;
  r.max_abs = t.max_abs;
  return r;
}

// The range update for one decoded value.
void see(Operand& o, float v) {
  const uint32_t e = (std::bit_cast<uint32_t>(v) >> 23) & 0xff;
  if (e == 0xff) {
    o.nonfinite = true;
  } else if (std::bit_cast<uint32_t>(v) << 1 != 0) {  // nonzero; a subnormal counts at emin
    const int x = static_cast<int>(std::max<uint32_t>(e, 1)) - 127;
    o.max_exp = std::max(o.max_exp, x);
    o.min_lsb = std::min(o.min_lsb, x);
  }
}

int frac_bits(Format f) {
  // tf32 patterns with padding bits set read as the fp32 values they encode.
  return f == Format::tf32 ? desc(Format::fp32).frac_field_bits : desc(f).frac_field_bits;
}

void decode_scalar(Format f, std::span<const uint64_t> bits, float* out) {
  const size_t n = bits.size();
  switch (f) {
    case Format::bf16:
      for (size_t i = 0; i < n; ++i)
        out[i] = std::bit_cast<float>(static_cast<uint32_t>(bits[i] << 16));
      break;
    case Format::fp16:
      for (size_t i = 0; i < n; ++i) {
        // The fp16 fields moved into a float's place and scaled by 2^112 (exact, subnormals
        // included); inf and NaN keep their own encodings.
        const uint32_t x = static_cast<uint32_t>(bits[i]) & 0xffff;
        const uint32_t sign = (x & 0x8000) << 16;
        if ((x & 0x7c00) == 0x7c00)
          out[i] = std::bit_cast<float>(sign | 0x7f800000 | ((x & 0x3ff) << 13));
        else
          out[i] = std::bit_cast<float>(sign | ((x & 0x7fff) << 13)) * 0x1p112f;
      }
      break;
    case Format::fp32:
    case Format::tf32:
      for (size_t i = 0; i < n; ++i) out[i] = std::bit_cast<float>(static_cast<uint32_t>(bits[i]));
      break;
    default: {  // e4m3, e5m2: every value is a float
      const uint64_t mask = desc(f).storage_mask();
      for (size_t i = 0; i < n; ++i)
        out[i] = static_cast<float>(numguard::decode(f, bits[i] & mask));
    }
  }
}

// Formats narrow enough that one split point covers every product of two of their values
// (fp16: products from 2^-48 to below 2^32): their range is the format's, and NaN and inf are
// found in the sums instead (the path declines when a sum is not finite).
bool format_wide(Format f) {
  return f == Format::fp16 || f == Format::e4m3 || f == Format::e5m2;
}

#ifdef NUMGUARD_SPLIT_AVX
// 4 patterns' low 32 bits.
__attribute__((target("avx2,f16c"), always_inline)) inline __m128i gather32(const uint64_t* p) {
  const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  return _mm256_castsi256_si128(
      _mm256_permutevar8x32_epi32(x, _mm256_setr_epi32(0, 2, 4, 6, 0, 0, 0, 0)));
}

__attribute__((target("avx2,f16c"), always_inline)) inline __m256i load_masked(const uint64_t* p,
                                                                               __m256i mask) {
  return _mm256_and_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)), mask);
}

// The patterns' low 16 bits (fp16, bf16) or 32 bits (fp32, tf32) gathered from their 64-bit
// lanes, widened to floats (bf16 and fp32 moved into place, fp16 by F16C); on the way, the
// largest magnitude and the smallest nonzero one are kept (integer max and min of the
// magnitude bits; zero wraps to the top as |x| - 1). Returns those two as float bit patterns
// (the smallest UINT32_MAX when every value is zero).
template <Format F>
__attribute__((target("avx2,f16c"))) std::pair<uint32_t, uint32_t> decode_avx2(
    std::span<const uint64_t> bits, float* out) {
  const size_t n = bits.size();
  constexpr bool k16 = F != Format::fp32;
  const __m128i mag_mask = k16 ? _mm_set1_epi16(0x7fff) : _mm_set1_epi32(0x7fffffff);
  const __m128i one = k16 ? _mm_set1_epi16(1) : _mm_set1_epi32(1);
  __m128i top = _mm_setzero_si128(), bottom = _mm_set1_epi32(-1);  // |x| and |x| - 1
  size_t i = 0;
  if constexpr (k16) {
    // Sixteen at a time: the patterns (masked to 16 bits) packed twice into 16-bit lanes and
    // put in order by one dword permutation.
    const __m256i low16 = _mm256_set1_epi64x(0xffff), zero = _mm256_setzero_si256();
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    const __m256i mag16 = _mm256_set1_epi16(0x7fff), one16 = _mm256_set1_epi16(1);
    __m256i top16 = zero, bottom16 = _mm256_set1_epi32(-1);
    for (; i + 16 <= n; i += 16) {
      const uint64_t* b = bits.data() + i;
      const __m256i p0 = _mm256_packus_epi32(load_masked(b, low16), load_masked(b + 4, low16));
      const __m256i p1 = _mm256_packus_epi32(load_masked(b + 8, low16), load_masked(b + 12, low16));
      const __m256i h = _mm256_permutevar8x32_epi32(_mm256_packus_epi32(p0, p1), order);
      const __m256i mag = _mm256_and_si256(h, mag16);
      top16 = _mm256_max_epu16(top16, mag);
      bottom16 = _mm256_min_epu16(bottom16, _mm256_sub_epi16(mag, one16));
      if constexpr (F == Format::fp16) {
        _mm256_storeu_ps(out + i, _mm256_cvtph_ps(_mm256_castsi256_si128(h)));
        _mm256_storeu_ps(out + i + 8, _mm256_cvtph_ps(_mm256_extracti128_si256(h, 1)));
      } else {
        const __m256i lo = _mm256_unpacklo_epi16(zero, h), hi = _mm256_unpackhi_epi16(zero, h);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i),
                            _mm256_permute2x128_si256(lo, hi, 0x20));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i + 8),
                            _mm256_permute2x128_si256(lo, hi, 0x31));
      }
    }
    top = _mm_max_epu16(_mm256_castsi256_si128(top16), _mm256_extracti128_si256(top16, 1));
    bottom = _mm_min_epu16(_mm256_castsi256_si128(bottom16), _mm256_extracti128_si256(bottom16, 1));
  } else {
    for (; i + 8 <= n; i += 8) {
      const __m128i g0 = gather32(bits.data() + i), g1 = gather32(bits.data() + i + 4);
      for (const __m128i& g : {g0, g1}) {
        const __m128i mag = _mm_and_si128(g, mag_mask);
        top = _mm_max_epu32(top, mag);
        bottom = _mm_min_epu32(bottom, _mm_sub_epi32(mag, one));
      }
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), g0);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i + 4), g1);
    }
  }
  decode_scalar(F, bits.subspan(i), out + i);
  // The extremes as float bit patterns: 16-bit magnitudes decoded, 32-bit ones already are.
  uint32_t largest = 0, smallest = UINT32_MAX;
  auto as_float = [](uint32_t pattern) {
    float v;
    decode_scalar(F, std::span<const uint64_t>(std::array<uint64_t, 1>{pattern}), &v);
    return std::bit_cast<uint32_t>(v);
  };
  if constexpr (k16) {
    alignas(16) uint16_t h[8], l[8];
    _mm_store_si128(reinterpret_cast<__m128i*>(h), top);
    _mm_store_si128(reinterpret_cast<__m128i*>(l), bottom);
    for (int j = 0; j < 8; ++j) {
      largest = std::max(largest, as_float(h[j]));
      if (l[j] != 0xffff) smallest = std::min(smallest, as_float(uint32_t{l[j]} + 1));
    }
  } else {
    alignas(16) uint32_t h[4], l[4];
    _mm_store_si128(reinterpret_cast<__m128i*>(h), top);
    _mm_store_si128(reinterpret_cast<__m128i*>(l), bottom);
    for (int j = 0; j < 4; ++j) {
      largest = std::max(largest, h[j]);
      if (l[j] != UINT32_MAX) smallest = std::min(smallest, l[j] + 1);
    }
  }
  for (size_t j = i; j < n; ++j) {  // the tail, already decoded
    const uint32_t mag = std::bit_cast<uint32_t>(out[j]) & 0x7fffffff;
    largest = std::max(largest, mag);
    if (mag != 0) smallest = std::min(smallest, mag);
  }
  return {largest, smallest};
}
#endif

}  // namespace

Operand describe(Format f, std::span<const float> values) {
  if (f == Format::fp64) throw std::invalid_argument("split_dot: fp64 values are not floats");
  Operand o;
  o.values = values;
  o.frac_bits = frac_bits(f);
  if (format_wide(f)) {
    const FormatDesc& d = desc(f);
    o.max_exp = static_cast<int>(std::floor(std::log2(d.max_finite())));
    o.min_lsb = d.emin() - d.frac_field_bits;
    return o;
  }
  for (float v : values) see(o, v);
  if (o.min_lsb != INT_MAX) o.min_lsb -= o.frac_bits;
  return o;
}

Operand decode(Format f, std::span<const uint64_t> bits, float* out) {
  if (f == Format::fp64) throw std::invalid_argument("split_dot: fp64 values are not floats");
  const std::span<const float> values(out, bits.size());
#ifdef NUMGUARD_SPLIT_AVX
  if (has_avx2() &&
      (f == Format::fp16 || f == Format::bf16 || f == Format::fp32 || f == Format::tf32)) {
    const auto [largest, smallest] = f == Format::fp16   ? decode_avx2<Format::fp16>(bits, out)
                                     : f == Format::bf16 ? decode_avx2<Format::bf16>(bits, out)
                                                         : decode_avx2<Format::fp32>(bits, out);
    Operand o;
    o.values = values;
    o.frac_bits = frac_bits(f);
    o.nonfinite = (largest >> 23) == 0xff;
    // As floats the values are normal, or bf16 / fp32 subnormals, which count at exponent
    // field 1 (they share its lsb); an fp16 subnormal's lsb is above exponent - 10.
    if (smallest != UINT32_MAX) {  // some value is nonzero
      o.max_exp = static_cast<int>(std::max<uint32_t>(largest >> 23, 1)) - 127;
      o.min_lsb = static_cast<int>(std::max<uint32_t>(smallest >> 23, 1)) - 127 - o.frac_bits;
    }
    return o;
  }
#endif
  decode_scalar(f, bits, out);
  return describe(f, values);
}

std::optional<std::vector<int>> split_points(int hi, int lo) {
  const std::optional<Plan> p = plan(hi, lo);
  if (!p) return std::nullopt;
  return std::vector<int>(p->t.begin(), p->t.begin() + p->splits);
}

void use_isa(Isa isa) {
  portable_only = isa == Isa::portable;
}
const char* isa_name() {
  return has_avx2() ? "avx2" : "portable";
}

Unpacked Result::unpacked() const {
  return fixed_window::unpack_magnitude(mag, negative, lsb_exp);
}

ExactReal Result::exact_real() const {
  ExactReal r;
  r.kind = Unpacked::Kind::finite;
  r.negative = negative;
  r.lsb_exp = lsb_exp;
  r.mag.assign(mag.begin(), mag.end());
  while (r.mag.back() == 0) r.mag.pop_back();
  return r;
}

std::optional<Result> dot(const Operand& a, const Operand& b, bool stats) {
  if (a.values.size() != b.values.size())
    throw std::invalid_argument("dot: a and b differ in length");
  if (a.nonfinite || b.nonfinite) return std::nullopt;
  if (a.max_exp == INT_MIN || b.max_exp == INT_MIN) return std::nullopt;  // every term zero
  const int hi = a.max_exp + b.max_exp + 2, lo = a.min_lsb + b.min_lsb;
  const std::optional<Plan> p = plan(hi, lo);
  if (!p) return std::nullopt;
  // A float holds the product exactly when its significand fits 24 bits and it stays within
  // the float range, subnormal lsb included.
  const bool in_float = a.frac_bits + b.frac_bits + 2 <= 24 && hi <= 127 && lo >= -149;
  Totals t;
  run_best(a.values.data(), b.values.data(), a.values.size(), *p,
           in_float ? Terms::float_products : Terms::double_products, stats, t);
  return finish(t, p->lo);
}

std::optional<Result> sum(const Operand& x, bool stats) {
  if (x.nonfinite || x.max_exp == INT_MIN) return std::nullopt;
  const std::optional<Plan> p = plan(x.max_exp + 1, x.min_lsb);
  if (!p) return std::nullopt;
  Totals t;
  // b is not read for sums.
  run_best(x.values.data(), x.values.data(), x.values.size(), *p, Terms::values, stats, t);
  return finish(t, p->lo);
}

}  // namespace numguard::split_dot
