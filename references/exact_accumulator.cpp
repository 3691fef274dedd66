#include "references/exact_accumulator.h"

#include <array>
#include <stdexcept>
#include <string>
#include <vector>

#include "references/gemm_elements.h"
#include "references/split_dot.h"

namespace numguard {
namespace {

using fixed_window::ChunkWindow;
using fixed_window::int128;
using fixed_window::Int128Window;
using fixed_window::uint128;

// Bit-level facts of one input format, as compile-time constants so the accumulation loop
// compiles to shifts and masks. A finite value is sig * 2^(emin - F + scale) with
// sig = fraction | (exponent field != 0) << F and scale = max(exponent field, 1) - 1, so the
// product of two values is sig_a * sig_b * 2^(2 * (emin - F)) * 2^(scale_a + scale_b): an
// integer at bit `scale_a + scale_b` of a window whose lsb is 2^(2 * (emin - F)).
template <int E, int F, bool FnSingle, class W>
struct Input {
  using Window = W;
  static constexpr int kExpBits = E;
  static constexpr int kFracBits = F;
  static constexpr bool kFnSingle = FnSingle;
  static constexpr uint64_t kFracMask = (uint64_t{1} << F) - 1;
  static constexpr uint64_t kExpMax = (uint64_t{1} << E) - 1;
  static constexpr uint64_t kMagMask = (uint64_t{1} << (E + F)) - 1;
  static constexpr int kEmin = 2 - (1 << (E - 1));
  // e4m3fn keeps its all-ones exponent field finite (only S.1111.111 is NaN).
  static constexpr int kMaxScale = static_cast<int>(FnSingle ? kExpMax : kExpMax - 1) - 1;
  static constexpr int kValueShift = F - kEmin;  // where a lone value sits in the window
  static constexpr int64_t kLsbExp = 2 * (kEmin - F);
  static constexpr int kProductBits = 2 * kMaxScale + 2 * (F + 1);
  static constexpr unsigned kMaxShift = 2 * kMaxScale;     // lone values sit lower (fits())
  static constexpr bool kWideProducts = 2 * (F + 1) > 62;  // fp64: products need 106 bits

  static bool special(uint64_t x) {
    if constexpr (FnSingle) return (x & kMagMask) == kMagMask;
    return ((x >> F) & kExpMax) == kExpMax;
  }
  static bool nan(uint64_t x) { return special(x) && (FnSingle || (x & kFracMask) != 0); }
  static bool zero(uint64_t x) { return (x & kMagMask) == 0; }
  static bool negative(uint64_t x) { return ((x >> (E + F)) & 1) != 0; }
  static uint64_t sig(uint64_t x) {
    const uint64_t e = (x >> F) & kExpMax;
    return (x & kFracMask) | (static_cast<uint64_t>(e != 0) << F);
  }
  static unsigned scale(uint64_t x) {
    const uint64_t e = (x >> F) & kExpMax;
    return static_cast<unsigned>(e - (e != 0));
  }

  // Packed decode for the hot loop: signed significand in the high 32 bits, kSpecial for inf
  // and NaN, scale in the low 16 bits, so that one add of two entries gives the product's
  // shift and one multiply of their high halves its signed significand. 8- and 16-bit
  // formats read it from a table (one load instead of about a dozen ALU operations).
  static constexpr int64_t kSpecial = int64_t{1} << 16;
  static constexpr bool kTabled = E + F + 1 <= 16;
  static int64_t pack(uint64_t x) {
    if (special(x)) return kSpecial;
    const int64_t s = static_cast<int64_t>(sig(x));
    return static_cast<int64_t>(static_cast<uint64_t>(negative(x) ? -s : s) << 32) | scale(x);
  }
  static const int64_t* table() {
    if constexpr (kTabled) {
      static const std::vector<int64_t> t = [] {
        std::vector<int64_t> v(size_t{1} << (E + F + 1));
        for (uint64_t x = 0; x < v.size(); ++x) v[x] = pack(x);
        return v;
      }();
      return t.data();
    }
    return nullptr;
  }
  static int64_t packed(uint64_t x, const int64_t* tab) {
    if constexpr (kTabled) return tab[x & ((uint64_t{1} << (E + F + 1)) - 1)];
    return pack(x);
  }

  static constexpr uint64_t capacity() {
    if constexpr (std::is_same_v<W, Int128Window>) {
      static_assert(kProductBits <= 80, "an Int128Window needs products of at most 80 bits");
      return 127 - kProductBits >= 62 ? uint64_t{1} << 62 : uint64_t{1} << (127 - kProductBits);
    } else {
      // Every term adds digits below 2^64 to a 128-bit chunk, so 2^62 terms keep each chunk
      // below 2^126 and the carry pass exact.
      return uint64_t{1} << 62;
    }
  }
};

template <class W>
constexpr int chunks_of = 0;
template <int N>
constexpr int chunks_of<ChunkWindow<N>> = N;

template <class T>
constexpr bool fits() {
  // Lone values sit below the largest products, so the product range sizes the window.
  static_assert(T::kMaxScale + T::kValueShift + T::kFracBits + 1 <= T::kProductBits);
  static_assert(T::kMaxScale + T::kValueShift <= T::kMaxShift);
  if constexpr (chunks_of<typename T::Window> == 0)
    return T::kProductBits <= 80;
  else
    return (2 * T::kMaxScale + (T::kWideProducts ? 64 : 0)) / 64 + 2 <=
           chunks_of<typename T::Window>;
}

using Fp64In = Input<11, 52, false, ChunkWindow<66>>;
using Fp32In = Input<8, 23, false, ChunkWindow<9>>;  // tf32 too: it travels in fp32's layout
using Bf16In = Input<8, 7, false, ChunkWindow<9>>;
using Fp16In = Input<5, 10, false, Int128Window>;
using E4m3In = Input<4, 3, true, Int128Window>;
using E5m2In = Input<5, 2, false, Int128Window>;
static_assert(fits<Fp64In>() && fits<Fp32In>() && fits<Bf16In>() && fits<Fp16In>() &&
              fits<E4m3In>() && fits<E5m2In>());

template <class Fn>
decltype(auto) with_input(Format f, Fn&& fn) {
  switch (f) {
    case Format::fp64:
      return fn(Fp64In{});
    case Format::fp32:
    case Format::tf32:
      return fn(Fp32In{});
    case Format::bf16:
      return fn(Bf16In{});
    case Format::fp16:
      return fn(Fp16In{});
    case Format::e4m3:
      return fn(E4m3In{});
    case Format::e5m2:
      return fn(E5m2In{});
    default:  // fp4, fp6 and the scale formats: block-scaled sums go through block_scaled_sum.h
      break;
  }
  throw std::invalid_argument("exact accumulator: unsupported input format " +
                              std::string(name(f)));
}

}  // namespace

ExactAccumulator::ExactAccumulator(Format in) : in_(in) {
  with_input(in, [&](auto t) {
    using T = decltype(t);
    // The traits duplicate the format table on purpose (compile-time constants); a table edit
    // that they miss must fail loudly, not produce wrong sums.
    const FormatDesc& d = desc(in);
    if (d.exp_bits != T::kExpBits || d.frac_field_bits != T::kFracBits ||
        (d.special == SpecialEncoding::fn_single) != T::kFnSingle)
      throw std::logic_error("exact accumulator: traits disagree with the format table for " +
                             std::string(d.name));
    window_.emplace<typename T::Window>();
  });
}

uint64_t ExactAccumulator::capacity() const {
  return with_input(in_, [](auto t) { return decltype(t)::capacity(); });
}

void ExactAccumulator::clear() {
  terms_ = 0;
  flags_ = {};
  with_input(in_, [&](auto t) { window_.emplace<typename decltype(t)::Window>(); });
}

template <class T, bool Products>
void ExactAccumulator::add_special(uint64_t x, uint64_t y, Flags& f) {
  if (T::nan(x) || (Products && T::nan(y))) {
    f.nan = true;
  } else if (Products && (T::zero(x) || T::zero(y))) {
    f.nan = true;  // inf * 0
  } else {
    const bool neg = T::negative(x) != (Products && T::negative(y));
    (neg ? f.neg_inf : f.pos_inf) = true;
  }
}

template <class T, bool Products>
void ExactAccumulator::accumulate(std::span<const uint64_t> a, std::span<const uint64_t> b) {
  if (a.size() > T::capacity() - terms_)
    throw std::length_error("exact accumulator: more terms than the window can hold");
  terms_ += a.size();
  auto& window = std::get<typename T::Window>(window_);
  Flags f = flags_;
  const int64_t* tab = T::table();
  // OR of every finite term's significand: zero exactly when all of them are zero terms.
  uint64_t any = 0;
  auto term = [&](uint64_t x, uint64_t y, typename T::Window& w) {
    if constexpr (!T::kWideProducts) {
      const int64_t ta = T::packed(x, tab), tb = Products ? T::packed(y, tab) : 0;
      if ((ta | tb) & T::kSpecial) [[unlikely]] {
        add_special<T, Products>(x, y, f);
        return;
      }
      const unsigned shift = Products ? static_cast<unsigned>((ta + tb) & 0xffff)
                                      : static_cast<unsigned>(ta & 0xffff) + T::kValueShift;
      if (shift > T::kMaxShift) __builtin_unreachable();  // lets the compiler drop wide shifts
      const int64_t p = Products ? (ta >> 32) * (tb >> 32) : ta >> 32;
      any |= static_cast<uint64_t>(p);
      w.add(p, shift);
    } else {
      if (T::special(x) || (Products && T::special(y))) [[unlikely]] {
        add_special<T, Products>(x, y, f);
        return;
      }
      const bool neg = T::negative(x) != (Products && T::negative(y));
      const unsigned shift = T::scale(x) + (Products ? T::scale(y) : unsigned{T::kValueShift});
      const int128 p =
          static_cast<int128>(static_cast<uint128>(T::sig(x)) * (Products ? T::sig(y) : 1));
      any |= static_cast<uint64_t>(p) | static_cast<uint64_t>(p >> 64);
      w.add_wide(neg ? -p : p, shift);
    }
  };
  // Two local windows take alternate terms: locals stay in registers where they fit
  // (Int128Window), and chunk windows get two independent add-to-memory chains instead of
  // one, which is what bounds their speed when consecutive terms hit the same chunk.
  typename T::Window w0 = window, w1{};
  const size_t n = a.size();
  size_t i = 0;
  for (; i + 1 < n; i += 2) {
    term(a[i], Products ? b[i] : 0, w0);
    term(a[i + 1], Products ? b[i + 1] : 0, w1);
  }
  if (i < n) term(a[i], Products ? b[i] : 0, w0);
  w0.merge(w1);
  window = w0;
  if (any != 0) {
    f.nonzero = true;
  } else {
    // Every finite term was zero (rare): only now do their signs matter (for the sign of an
    // exact zero sum), so they are read in a second pass rather than in the loop above.
    for (size_t j = 0; j < n; ++j) {
      const uint64_t x = a[j], y = Products ? b[j] : 0;
      if (T::special(x) || (Products && T::special(y))) continue;
      (T::negative(x) != (Products && T::negative(y)) ? f.neg_zero : f.pos_zero) = true;
    }
  }
  flags_ = f;
}

void ExactAccumulator::add_dot(std::span<const uint64_t> a, std::span<const uint64_t> b) {
  if (a.size() != b.size()) throw std::invalid_argument("dot: a and b differ in length");
  with_input(in_, [&](auto t) { accumulate<decltype(t), true>(a, b); });
}

void ExactAccumulator::add_sum(std::span<const uint64_t> x) {
  with_input(in_, [&](auto t) { accumulate<decltype(t), false>(x, {}); });
}

bool ExactAccumulator::special_result(Unpacked& u) const {
  if (flags_.nan || (flags_.pos_inf && flags_.neg_inf)) {
    u = {};
    u.kind = Unpacked::Kind::nan;
    return true;
  }
  if (flags_.pos_inf || flags_.neg_inf) {
    u = {};
    u.kind = Unpacked::Kind::inf;
    u.negative = flags_.neg_inf;
    return true;
  }
  return false;
}

bool ExactAccumulator::zero_is_negative(Rounding mode) const {
  const bool only_zero_terms = !flags_.nonzero;
  if (only_zero_terms && flags_.neg_zero && !flags_.pos_zero) return true;
  if (only_zero_terms && !flags_.neg_zero) return false;  // all +0, or no term at all
  return mode == Rounding::rd;
}

Unpacked ExactAccumulator::exact(Rounding mode) const {
  Unpacked u;
  if (special_result(u)) return u;
  u = with_input(in_, [&](auto t) {
    using T = decltype(t);
    std::array<uint64_t, T::Window::kMagnitudeLimbs> mag;
    const bool neg = std::get<typename T::Window>(window_).magnitude(mag);
    return fixed_window::unpack_magnitude(mag, neg, T::kLsbExp);
  });
  if (u.kind == Unpacked::Kind::zero) u.negative = zero_is_negative(mode);
  return u;
}

ExactReal ExactAccumulator::exact_real(Rounding mode) const {
  ExactReal r;
  Unpacked u;
  if (special_result(u)) {
    r.kind = u.kind;
    r.negative = u.negative;
    return r;
  }
  with_input(in_, [&](auto t) {
    using T = decltype(t);
    std::array<uint64_t, T::Window::kMagnitudeLimbs> mag;
    r.negative = std::get<typename T::Window>(window_).magnitude(mag);
    r.mag.assign(mag.begin(), mag.end());
    r.lsb_exp = T::kLsbExp;
  });
  while (!r.mag.empty() && r.mag.back() == 0) r.mag.pop_back();
  if (r.mag.empty()) {
    r.kind = Unpacked::Kind::zero;
    r.negative = zero_is_negative(mode);
  } else {
    r.kind = Unpacked::Kind::finite;
  }
  return r;
}

namespace fixed_ref {

Unpacked dot_exact(Format in, std::span<const uint64_t> a, std::span<const uint64_t> b,
                   Rounding mode) {
  if (a.size() != b.size()) throw std::invalid_argument("dot: a and b differ in length");
  if (in != Format::fp64) {
    thread_local std::vector<float> da, db;
    da.resize(a.size());
    db.resize(b.size());
    if (const auto r = split_dot::dot(split_dot::decode(in, a, da.data()),
                                      split_dot::decode(in, b, db.data())))
      return r->unpacked();
  }
  ExactAccumulator acc(in);
  acc.add_dot(a, b);
  return acc.exact(mode);
}

RoundResult dot(Format in, std::span<const uint64_t> a, std::span<const uint64_t> b, Format out,
                const RoundOptions& opt) {
  return round_to(out, dot_exact(in, a, b, opt.mode), opt);
}

Unpacked sum_exact(Format in, std::span<const uint64_t> x, Rounding mode) {
  if (in != Format::fp64) {
    thread_local std::vector<float> dx;
    dx.resize(x.size());
    if (const auto r = split_dot::sum(split_dot::decode(in, x, dx.data()))) return r->unpacked();
  }
  ExactAccumulator acc(in);
  acc.add_sum(x);
  return acc.exact(mode);
}

RoundResult sum(Format in, std::span<const uint64_t> x, Format out, const RoundOptions& opt) {
  return round_to(out, sum_exact(in, x, opt.mode), opt);
}

std::vector<Unpacked> gemm_exact(const GemmProblem& p, Rounding mode) {
  const GemmElements elements(p);  // validates p
  std::vector<Unpacked> out;
  out.reserve(static_cast<size_t>(p.m * p.n));
  for (int64_t i = 0; i < p.m; ++i)
    for (int64_t j = 0; j < p.n; ++j) out.push_back(elements.at(i, j, mode, false).exact);
  return out;
}

std::vector<RoundResult> gemm(const GemmProblem& p, Format out, const RoundOptions& opt) {
  std::vector<RoundResult> r;
  for (const Unpacked& u : gemm_exact(p, opt.mode)) r.push_back(round_to(out, u, opt));
  return r;
}

}  // namespace fixed_ref
}  // namespace numguard
