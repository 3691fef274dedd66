#include "harness/studies/tensor_core_probe.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <sstream>

#include "harness/core/rounding.h"
#include "harness/engine/random.h"

namespace numguard {
namespace {

struct Term {
  double a = 0, b = 0;
};
using Terms = std::vector<std::pair<int, Term>>;

bool representable(Format f, double x) {
  return std::isfinite(x) && round_value(f, x) == x;
}

double pow2(int e) {
  return std::ldexp(1.0, e);
}

class Prober {
 public:
  explicit Prober(const MatrixUnit& u)
      : u_(u), a_(desc(u.in)), b_(desc(u.b_format())), out_(desc(u.out)), p_(out_.precision) {}

  // The unit's result for products at the given positions (zeros elsewhere) and C; nullopt
  // when a term or C cannot be formed from the unit's inputs (and, scaled, its scales).
  std::optional<double> run(const Terms& terms, double c = 0, int len = 0) const {
    for (const auto& [pos, t] : terms) len = std::max(len, pos + 1);
    if (len > u_.max_k || !representable(u_.out, c)) return std::nullopt;
    std::vector<uint64_t> a(static_cast<size_t>(len), 0), b(static_cast<size_t>(len), 0);
    const uint64_t cb = round_double(u_.out, c).bits;
    if (!u_.scaled()) {
      for (const auto& [pos, t] : terms) {
        if (!representable(u_.in, t.a) || !representable(u_.b_format(), t.b)) return std::nullopt;
        a[static_cast<size_t>(pos)] = round_double(u_.in, t.a).bits;
        b[static_cast<size_t>(pos)] = round_double(u_.b_format(), t.b).bits;
      }
      return decode(u_.out, u_.dot(a, b, cb));
    }
    const int sb = u_.scale_block;
    const size_t blocks = static_cast<size_t>((len + sb - 1) / sb);
    std::vector<uint64_t> sa(blocks), sbits(blocks);
    for (size_t s = 0; s < blocks; ++s) {
      std::vector<double> as, bs;
      for (const auto& [pos, t] : terms)
        if (static_cast<size_t>(pos / sb) == s) {
          as.push_back(t.a);
          bs.push_back(t.b);
        }
      const auto ta = scale_for(as, u_.in), tb = scale_for(bs, u_.b_format());
      if (!ta || !tb) return std::nullopt;
      sa[s] = round_double(u_.scale, pow2(*ta)).bits;
      sbits[s] = round_double(u_.scale, pow2(*tb)).bits;
      for (const auto& [pos, t] : terms)
        if (static_cast<size_t>(pos / sb) == s) {
          a[static_cast<size_t>(pos)] = round_double(u_.in, std::ldexp(t.a, -*ta)).bits;
          b[static_cast<size_t>(pos)] = round_double(u_.b_format(), std::ldexp(t.b, -*tb)).bits;
        }
    }
    return decode(u_.out, u_.scaled_dot(a, b, sa, sbits, cb));
  }

  // v as a product of two input values: both factors representable (a scaled unit's scales
  // widen the range), their exponents as close as possible, normal factors preferred.
  std::optional<Term> product(double v) const {
    if (v == 0 || !std::isfinite(v)) return std::nullopt;
    int e = 0;
    double m = std::frexp(std::fabs(v), &e);  // v = m 2^e, m in [0.5, 1)
    while (m != std::floor(m)) {              // m odd integer
      m *= 2;
      --e;
    }
    const double sign = v < 0 ? -1 : 1;
    if (u_.scaled()) {  // run() moves powers of two into the scales
      const int x = e / 2;
      return Term{sign * std::ldexp(m, x), pow2(e - x)};
    }
    std::optional<Term> best;
    int best_cost = 0;
    const int lo = std::min(a_.emin(), b_.emin()) - 70, hi = std::max(a_.emax(), b_.emax()) + 2;
    for (int x = lo; x <= hi; ++x) {
      const double fa = sign * std::ldexp(m, x), fb = pow2(e - x);
      if (!representable(u_.in, fa) || !representable(u_.b_format(), fb)) continue;
      int cost = std::abs(std::ilogb(fa) - std::ilogb(fb));
      if (std::fabs(fa) < a_.min_normal()) cost += 1000;
      if (fb < b_.min_normal()) cost += 1000;
      if (!best || cost < best_cost) {
        best = Term{fa, fb};
        best_cost = cost;
      }
    }
    return best;
  }
  // ma 2^x times mb 2^(e-x): the significands kept on their own factors.
  std::optional<Term> product_of(double ma, double mb, int e) const {
    if (u_.scaled()) return Term{std::ldexp(ma, e / 2), std::ldexp(mb, e - e / 2)};
    for (int d = 0; d < 300; ++d)
      for (int x : {e / 2 + d, e / 2 - d}) {
        const double fa = std::ldexp(ma, x), fb = std::ldexp(mb, e - x);
        if (representable(u_.in, fa) && representable(u_.b_format(), fb)) return Term{fa, fb};
      }
    return std::nullopt;
  }

  // Terms from (position, value) pairs; nullopt when a value is no product of inputs.
  std::optional<Terms> terms(std::initializer_list<std::pair<int, double>> values) const {
    Terms t;
    for (const auto& [pos, v] : values) {
      const auto p = product(v);
      if (!p) return std::nullopt;
      t.push_back({pos, *p});
    }
    return t;
  }
  std::optional<double> run_values(std::initializer_list<std::pair<int, double>> values,
                                   double c = 0, int len = 0) const {
    const auto t = terms(values);
    if (!t) return std::nullopt;
    return run(*t, c, len);
  }

  // Leading exponent for the cancellation tests, with room for small terms below it.
  // Block-scaled units reach as high as their largest scales allow.
  int lead() const {
    const int scales = u_.scaled() ? 2 * desc(u_.scale).emax() : 0;
    return std::min(out_.emax() - 2, a_.emax() + b_.emax() - 2 + scales);
  }
  // C's exponent for C-based tests: 2^(s - k) must stay a product of inputs.
  int c_exponent(int k) const { return std::min(out_.emax() - 1, k); }

  bool products_exact() const {
    const int h = std::min((p_ - 1) / 2, std::min(a_.precision, b_.precision) - 1);
    const double x = 1 + pow2(-h);
    const auto r = run({{0, {x, x}}});
    return r && *r == x * x;
  }

  // +2^m, -2^m and 2^(m-k) in one block (the small term first: a unit adding in order in a
  // narrower format would round it away against 2^m, a fused block keeps or truncates it
  // wherever it sits).
  int fraction_bits(bool& at_limit) const {
    const int m = lead();
    at_limit = false;
    int f = -1;
    for (int k = 1; k < 200; ++k) {
      const auto r = run_values({{0, pow2(m - k)}, {1, pow2(m)}, {2, -pow2(m)}});
      if (!r) {
        at_limit = f >= 0;  // ran out of representable tiny terms before any was dropped
        break;
      }
      if (*r != pow2(m - k)) break;
      f = k;
    }
    return f;
  }

  // C = 2^s and -2^(s-k): kept (the result below C) iff k <= F when C is in the block and
  // the output rounds toward zero. Counts the k kept from 1 up.
  int fraction_bits_from_c(bool& at_limit) const {
    at_limit = false;
    int f = -1;
    for (int k = 1; k < 200; ++k) {
      const int s = c_exponent(k);
      const auto r = run_values({{0, -pow2(s - k)}}, pow2(s));
      if (!r) {
        at_limit = f >= 0;
        break;
      }
      if (!(*r < pow2(s))) break;
      f = k;
    }
    return f;
  }

  // C = 2^m, -2^m at 0, 2^(m-k) at j (k beyond the window): it survives iff j is in a later
  // block. Positions the inputs cannot serve (one scale for both terms) are skipped.
  int block_by_c(int f) const {
    const int m = lead(), k = f + 2;
    for (int j = 1; j < u_.max_k; ++j) {
      const auto r = run_values({{0, -pow2(m)}, {j, pow2(m - k)}}, pow2(m));
      if (r && *r == pow2(m - k)) return j;
    }
    return 0;
  }
  // Where no two inputs span the window (fp4): C = 2^s and two products of 3/4 of C's ulp.
  // In one block they carry into C's last bit (rounded toward zero: C + ulp); in two, each
  // is rounded away at its block's end.
  int block_by_carry(int f) const {
    if (f < p_) return 0;
    const int s = p_ + 2;
    const double x = 0.75 * pow2(s - p_ + 1);
    for (int j = 1; j < u_.max_k; ++j) {
      const auto r = run_values({{0, x}, {j, x}}, pow2(s));
      if (!r) return 0;
      if (*r == pow2(s)) return j;
    }
    return 0;
  }
  // A unit without a window: 2^(m-k) (k beyond the output's precision) at 0, 2^m at 1 and
  // -2^m at j: the small term survives iff all three meet in one exactly summed block.
  int block_exact() const {
    const int m = lead(), k = p_ + 2;
    for (int j = 2; j < u_.max_k; ++j) {
      const auto r = run_values({{0, pow2(m - k)}, {1, pow2(m)}, {j, -pow2(m)}});
      if (r && *r != pow2(m - k)) return j;
    }
    return 0;
  }
  // C = 2^(m-k) beside +2^m and -2^m (k beyond the output's precision): an FMA chain rounds
  // C away against 2^m, an exact block keeps it.
  bool c_survives_cancellation(int f) const {
    const int m = lead(), k = std::max(f, p_) + 2;
    const auto r = run_values({{0, pow2(m)}, {1, -pow2(m)}}, pow2(m - k));
    return r && *r == pow2(m - k);
  }
  // Products at even and odd positions fused apart (CDNA3 fp8): -2^(m-k) alone in its half (k
  // beyond F) is rounded down to -2^(m-F) against 2^m in the other half; beside 2^m in one
  // fused sum it is truncated away.
  bool fused_in_halves(int f) const {
    const int m = lead(), k = f + 4;
    const auto apart = run_values({{0, -pow2(m - k)}, {1, pow2(m)}});
    const auto together = run_values({{0, -pow2(m - k)}, {2, pow2(m)}});
    return apart && together && *apart < pow2(m) && *together == pow2(m);
  }

  // Blocks start at every multiple of L: the block test moved to the second block.
  bool blocks_periodic(int L, int f) const {
    const int m = lead(), k = f + 2;
    if (3 * L > u_.max_k || L < 2) return true;
    const auto in = run_values({{L, pow2(m)}, {L + 1, -pow2(m)}, {2 * L - 1, pow2(m - k)}});
    const auto next = run_values({{L, pow2(m)}, {L + 1, -pow2(m)}, {2 * L, pow2(m - k)}});
    if (!in || !next) return true;  // not testable with these inputs
    return *in == 0 && *next != 0;
  }

  // 2^s + 0.75 2^(s-F): a fused window truncates the small term, partial sums rounded to
  // nearest in the output format keep it as one ulp.
  bool rounds_partial_sums(int f) const {
    const int s = lead();
    const auto r = run_values({{0, pow2(s)}, {1, 0.75 * pow2(s - f)}});
    return r && *r == pow2(s) + pow2(s - f);
  }

  // Ties at C: C = +-(1 + ulp) 2^s with +-ulp/2 2^s, and 2^s with ulp/2 2^s (rne vs rna).
  // Needs F >= p (the window keeps ulp/2).
  std::string rounding_at_c() const {
    const int s = c_exponent(p_);
    const double one = pow2(s), ulp = pow2(s - p_ + 1), half = ulp / 2;
    const auto pos = run_values({{0, half}}, one + ulp);
    const auto neg = run_values({{0, -half}}, -(one + ulp));
    const auto even = run_values({{0, half}}, one);
    if (!pos || !neg || !even) return "unobservable";
    const bool pos_up = *pos == one + 2 * ulp, neg_down = *neg == -(one + 2 * ulp);
    if (!pos_up && !neg_down) return "rz";
    if (!pos_up && neg_down) return "rd";
    if (pos_up && !neg_down) return "ru";
    return *even == one ? "rne" : *even == one + ulp ? "rna" : "unknown";
  }

  // 2^j ones lift the exact sum to [2^j, 2^(j+1)), where the output's ulp U = 2^(j-p+1) is
  // twice the smallest bit the window keeps (2^-f below the leading one), so U and U/2
  // survive the alignment and the output must round: 2^j + 3U/2 is a tie between an odd and
  // an even neighbour, 2^j + U/2 a tie between an even and an odd one.
  std::string rounding_by_ones(int f, int block) const {
    const int j = std::max(1, p_ - f);
    const int ones = 1 << std::min(j, 20);
    if (f < 0 || j > 20 || ones + 2 > u_.max_k || ones + 2 > std::max(block, 3))
      return "unobservable";
    auto case_sum = [&](bool neg, bool three_halves) -> std::optional<double> {
      Terms t;
      const auto one = product(neg ? -1.0 : 1.0),
                 u = product(neg ? -pow2(j - p_ + 1) : pow2(j - p_ + 1)),
                 h = product(neg ? -pow2(j - p_) : pow2(j - p_));
      if (!one || !u || !h) return std::nullopt;
      for (int i = 0; i < ones; ++i) t.push_back({i, *one});
      if (three_halves) t.push_back({ones, *u});
      t.push_back({ones + 1, *h});
      return run(t);
    };
    const double base = pow2(j), ulp = pow2(j - p_ + 1);
    const auto t1 = case_sum(false, true), n1 = case_sum(true, true), t2 = case_sum(false, false);
    if (!t1 || !n1 || !t2) return "unobservable";
    const double lo = base + ulp, hi = base + 2 * ulp;
    if (*t1 == lo && *n1 == -lo) return "rz";
    if (*t1 == lo && *n1 == -hi) return "rd";
    if (*t1 == hi && *n1 == -lo) return "ru";
    if (*t1 == hi && *n1 == -hi) return *t2 == base ? "rne" : *t2 == base + ulp ? "rna" : "unknown";
    return "unknown";
  }

  // C = 1 with a term below the window: truncated with C in the block; after the block it
  // lowers a toward-zero result by one ulp, and breaks a round-to-nearest tie.
  std::optional<bool> c_in_block(int f, const std::string& rounding) const {
    const int s = c_exponent(f + 2);
    const double one = pow2(s), ulp = pow2(s - p_ + 1);
    // The small term is exact beside C in the output (or rounds toward zero): C - 2^(s-f-2)
    // comes back unless the window truncated it.
    if (f + 2 <= p_ - 1 || rounding == "rz" || rounding == "rd") {
      const auto r = run_values({{0, -pow2(s - f - 2)}}, one);
      if (!r) return std::nullopt;
      return *r == one;
    }
    if ((rounding == "rne" || rounding == "rna") && f >= p_) {
      const auto r = run_values({{0, ulp / 2}, {1, -pow2(s - f - 2)}}, one + ulp);
      if (!r) return std::nullopt;
      return *r == one + 2 * ulp;
    }
    return std::nullopt;
  }

  // +-(1.5 * 1.5) 2^m cancel and leave 2^(m-F): the window sits at m (operand exponents) or
  // at m + 1 (the product's exponent, 2.25 >= 2), which truncates it.
  std::optional<bool> operand_exponents(int f) const {
    const int m = lead() - 2;
    const auto big = product_of(1.5, 1.5, m), neg = product_of(-1.5, 1.5, m);
    const auto tiny = product(pow2(m - f));
    if (!big || !neg || !tiny) return std::nullopt;
    const auto r = run({{0, *big}, {1, *neg}, {2, *tiny}});
    if (!r) return std::nullopt;
    return *r == pow2(m - f);
  }

  // 2^m + 2^m + C with C = 2^(m+1-j): the window keeps C (j <= F + 1); the output keeps it
  // iff it has j fraction bits. The first j lost gives the width, nullopt: the full format.
  std::optional<int> output_fraction_bits(int f) const {
    const int m = lead() - 2;
    for (int j = 1; j <= std::min(f + 1, p_ - 1); ++j) {
      const double c = pow2(m + 1 - j);
      const auto r = run_values({{0, pow2(m)}, {1, pow2(m)}}, c);
      if (!r) return std::nullopt;
      if (*r != pow2(m + 1) + c) return j - 1;
    }
    return std::nullopt;
  }

  // The alignment exponent of zero terms: with C = 0, the leading term 2^E and -2^(E-d)
  // (round toward zero: kept iff the result drops below 2^E; to nearest: 2^E + u + u/2 is a
  // tie the small term breaks). Zeros aligned at e_zero > E drop it from d = F + 1 - (e_zero
  // - E) on; E is the lowest exponent the inputs and the output's subnormals allow.
  void zero_exponent(int f, const std::string& rounding, int block, ProbeResult& r) const {
    const bool nearest = rounding == "rne" || rounding == "rna";
    if (rounding == "unobservable" || rounding == "unknown") return;
    const int tiny_at = u_.scaled() && block > u_.scale_block ? u_.scale_block : 3;
    const int lowest = out_.emin() - (p_ - 1);  // the smallest subnormal's exponent
    for (int E = lowest + 1; E <= out_.emin() + 8; ++E) {
      const double u = pow2(std::max(E - p_ + 1, lowest));
      auto result = [&](int d) -> std::optional<double> {
        if (nearest)
          return d ? run_values({{0, pow2(E)}, {1, u}, {2, u / 2}, {tiny_at, -pow2(E - d)}})
                   : run_values({{0, pow2(E)}, {1, u}, {2, u / 2}});
        return d ? run_values({{0, pow2(E)}, {tiny_at, -pow2(E - d)}}) : run_values({{0, pow2(E)}});
      };
      const double whole = nearest ? pow2(E) + 2 * u : pow2(E);
      const auto base = result(0);
      if (!base || *base != whole) continue;  // no such terms here, or the leading one is cut
      // To nearest, the small term must stay below u/2 to decide the tie alone.
      const int d_min = nearest ? E - std::ilogb(u) + 2 : 1;
      for (int d = d_min; d <= f + 1; ++d) {
        const auto v = result(d);
        if (!v) break;  // the inputs reach no lower: what they reach is unaffected
        const bool kept = nearest ? *v == pow2(E) + u : *v < pow2(E);
        if (kept) continue;
        if (d == d_min) break;  // zeros cut even the largest small term: look higher
        if (d - 1 < f)
          r.zero_exponent = E + f - (d - 1);
        else
          r.zeros_tested_down_to = E;
        return;
      }
      if (!r.zero_exponent) {
        const auto first = result(d_min);
        if (!first || !(nearest ? *first == pow2(E) + u : *first < pow2(E))) continue;
        r.zeros_tested_down_to = E;
      }
      return;
    }
  }

  // C = 2^s with 2^(s-p) and 2^(s-p-d) after it: the final fixed-point sum keeps the small
  // term (and so breaks the tie upward) iff p + d <= its fraction bits.
  std::optional<int> c_after_bits() const {
    const int s = c_exponent(p_);
    const double one = pow2(s), ulp = pow2(s - p_ + 1);
    int d_max = 0;
    for (int d = 1; d < 40; ++d) {
      const auto r = run_values({{0, ulp / 2}, {1, pow2(s - p_ - d)}}, one);
      if (!r) return std::nullopt;
      if (*r != one + ulp) break;
      d_max = d;
    }
    return p_ + d_max;
  }

  // Two products of 0.75 g (g = 2^(s-F), the window's last bit below C = 2^s) at 0 and j:
  // summed first they make 1.5 g, truncated to g (the result drops below C); truncated one
  // by one they vanish. The first j that vanishes ends the group.
  int group(int f) const {
    const int s = c_exponent(f);
    const double g = pow2(s - f);
    for (int j = 1; j < std::min(u_.scale_block, u_.max_k); ++j) {
      const auto r = run_values({{0, -0.75 * g}, {j, -0.75 * g}}, pow2(s));
      if (!r) return 0;
      if (*r == pow2(s)) return j;
    }
    return u_.scale_block;
  }

  // Scale block 0 holds 1 * 1 + 0.5 * 0.5 = 1.25 under a small scale s on both sides, block 1
  // zero products under the largest scales. Taking no part, the zero block leaves 1.25 s^2;
  // aligned at its scales' exponents, it lifts the window's last bit above 0.25 s^2, which
  // the truncation drops. s is the largest scale that shows it with 1.25 s^2 normal.
  std::optional<bool> zero_group_at_scales(int f) const {
    const int sb = u_.scale_block;
    if (!u_.scaled() || f < 0 || u_.max_k < 2 * sb || !representable(u_.in, 0.5) ||
        !representable(u_.b_format(), 0.5))
      return std::nullopt;
    const FormatDesc& sf = desc(u_.scale);
    const int emin_s = sf.emin();  // a subnormal scale counts at the format's emin
    double hi = 0;
    std::vector<double> scales;
    for (uint64_t bits = 0; bits < (uint64_t{1} << sf.storage_bits); ++bits) {
      const double v = decode(u_.scale, bits);
      if (std::isfinite(v) && v > 0) {
        hi = std::max(hi, v);
        scales.push_back(v);
      }
    }
    std::sort(scales.rbegin(), scales.rend());
    const int top = 2 * std::max(std::ilogb(hi), emin_s) - f;  // the window's last bit
    for (double s : scales) {
      const double want = 1.25 * s * s;
      if (std::ilogb(s * s) - 2 >= top) continue;  // 0.25 s^2 still inside the window
      if (!representable(u_.out, want)) {
        if (want > out_.max_finite()) continue;  // s too large for the output
        return std::nullopt;
      }
      if (want < out_.min_normal()) return std::nullopt;
      std::vector<uint64_t> a(static_cast<size_t>(2 * sb), 0), b(a.size(), 0);
      a[0] = b[0] = round_double(u_.in, 1.0).bits;
      a[1] = round_double(u_.in, 0.5).bits;
      b[1] = round_double(u_.b_format(), 0.5).bits;
      b[0] = round_double(u_.b_format(), 1.0).bits;
      const std::vector<uint64_t> sa{round_double(u_.scale, s).bits,
                                     round_double(u_.scale, hi).bits};
      const double r = decode(u_.out, u_.scaled_dot(a, b, sa, sa, 0));
      if (r == want) return false;
      if (r < want) return true;
      return std::nullopt;
    }
    return std::nullopt;
  }

  std::optional<bool> subnormal_inputs() const {
    const double tiny = a_.min_subnormal();
    if (tiny < out_.min_subnormal() || !representable(u_.b_format(), 1.0)) return std::nullopt;
    const auto r = run({{0, {tiny, 1.0}}});
    if (!r) return std::nullopt;
    return *r == tiny;
  }

  std::optional<bool> subnormal_outputs() const {
    const int e = out_.emin() - 1;  // a subnormal of the output
    for (int x = a_.emin(); x <= a_.emax(); ++x) {
      const int y = e - x;
      if (y < b_.emin() || y > b_.emax()) continue;
      const auto r = run({{0, {pow2(x), pow2(y)}}});
      if (r) return *r == pow2(e);
    }
    return std::nullopt;
  }

  std::optional<bool> signed_zero() const {
    const auto r = run({{0, {-0.0, 1.0}}}, -0.0, 1);
    if (!r || *r != 0) return std::nullopt;
    return std::signbit(*r);
  }

  // An fp32 container holding a NaN whose only fraction bits are the low 13 tf32 drops.
  std::optional<bool> tf32_nan_to_inf() const {
    if (u_.in != Format::tf32 || u_.scaled()) return std::nullopt;
    const std::vector<uint64_t> a{0x7f800001}, b{round_double(u_.b_format(), 1.0).bits};
    const double r = decode(u_.out, u_.dot(a, b, 0));
    return std::isinf(r);
  }

  // The bits of NaN * 1 + 0 (a quiet NaN of A's format, where it has one).
  std::optional<uint64_t> nan_bits() const {
    if (!a_.has_nan() || !representable(u_.b_format(), 1.0)) return std::nullopt;
    std::vector<uint64_t> a{a_.nan_bits()}, b{round_double(u_.b_format(), 1.0).bits};
    if (!u_.scaled()) return u_.dot(a, b, 0);
    const std::vector<uint64_t> one{round_double(u_.scale, 1.0).bits};
    return u_.scaled_dot(a, b, one, one, 0);
  }

  // Raising one product must never lower the result (single-ulp increases of an input).
  bool monotone(uint64_t seed, int block, std::string& example) const {
    Rng r(seed);
    const int k = std::clamp(2 * std::max(block, 1), 2, u_.max_k);
    for (int trial = 0; trial < 2000; ++trial) {
      std::vector<uint64_t> a(static_cast<size_t>(k)), b(static_cast<size_t>(k));
      for (int i = 0; i < k; ++i) {
        a[static_cast<size_t>(i)] = round_double(u_.in, r.uniform(-1, 1)).bits;
        b[static_cast<size_t>(i)] = round_double(u_.b_format(), r.uniform(0.1, 1)).bits;
      }
      const uint64_t c = round_double(u_.out, r.uniform(-1, 1)).bits;
      const size_t i = static_cast<size_t>(r.integer(0, k - 1));
      const double before = decode(u_.out, u_.dot(a, b, c));
      const double next = std::nextafter(decode(u_.in, a[i]), INFINITY);
      const double up = round_value(u_.in, next, Rounding::ru);
      if (!std::isfinite(up)) continue;
      a[i] = round_double(u_.in, up).bits;
      const double after = decode(u_.out, u_.dot(a, b, c));
      if (after < before) {
        std::ostringstream os;
        os << "raising a[" << i << "] lowered d from " << before << " to " << after;
        example = os.str();
        return false;
      }
    }
    return true;
  }

  int precision() const { return p_; }

 private:
  // The exponent t of a power-of-two scale that brings every value of one scale block into
  // the element format (the smallest such t: the largest, most often normal, elements).
  std::optional<int> scale_for(const std::vector<double>& values, Format element) const {
    if (values.empty()) return 0;
    for (int t = -140; t <= 140; ++t) {
      if (!representable(u_.scale, pow2(t))) continue;
      bool ok = true;
      for (double v : values) ok = ok && representable(element, std::ldexp(v, -t));
      if (ok) return t;
    }
    return std::nullopt;
  }

  const MatrixUnit& u_;
  const FormatDesc& a_;
  const FormatDesc& b_;
  const FormatDesc& out_;
  int p_;
};

std::string describe_tree(const ProbeResult& r, const Prober& p, const MatrixUnit& unit) {
  std::ostringstream tree;
  if (r.datapath == "fma_chain") {
    tree << "a chain of FMAs: each product added to the accumulator and rounded";
  } else if (r.datapath == "ftz_pairs") {
    tree << "products and pairwise partial sums rounded in " << name(unit.out) << ", C + "
         << r.block << " products per block";
  } else if (r.block > 0) {
    tree << "chain of " << (r.datapath == "exact" ? "exactly summed" : "fused") << " blocks: C + "
         << r.block << " products per block (" << r.block + 1 << "-way), blocks at k = 0, "
         << r.block << ", " << 2 * r.block << ", ...";
    if (r.datapath == "c_after") tree << "; C added after each block's products";
    if (r.group > 1) tree << "; products summed exactly in groups of " << r.group;
    if (r.datapath == "fused" && !p.blocks_periodic(r.block, r.fraction_bits))
      tree << " (second block not at " << r.block << ": irregular)";
  } else {
    tree << "no block boundary found up to k = " << unit.max_k;
  }
  return tree.str();
}

}  // namespace

ProbeResult probe(const MatrixUnit& unit, uint64_t seed) {
  Prober p(unit);
  ProbeResult r;
  r.unit = unit.name;
  r.in = unit.in;
  r.in_b = unit.b_format();
  r.out = unit.out;
  r.products_exact = p.products_exact();
  r.fraction_bits = p.fraction_bits(r.fraction_bits_lower_bound);
  const int prec = p.precision();
  // Inputs too narrow for the cancellation test (fp4, fp6, scaled blocks sharing one scale):
  // C reaches where they cannot. Beyond p - 1 bits only a window shows (to-nearest outputs
  // round the small term away first), so a count of p - 1 stays a lower bound.
  if (r.fraction_bits < 0 || r.fraction_bits_lower_bound) {
    bool limit = false;
    const int fc = p.fraction_bits_from_c(limit);
    if (fc > prec && !limit) {
      r.fraction_bits = fc;
      r.fraction_bits_lower_bound = false;
    }
  }
  const int f = r.fraction_bits;
  if (unit.scaled()) {
    r.block = f >= 0 ? p.block_by_c(f) : 0;
    r.group = f >= 0 ? p.group(f) : 0;
    r.datapath = r.group > 1 ? "group_scaled" : "scaled";
    if (r.group > 1) r.zero_group_at_scales = p.zero_group_at_scales(f);
  } else if (r.fraction_bits_lower_bound) {
    r.datapath = "exact";
    r.block = p.block_exact();
  } else if (f >= 0) {
    r.block = p.block_by_c(f);
    if (r.block == 0) r.block = p.block_by_carry(f);
    if (r.block == 1 && p.c_survives_cancellation(f)) {
      // Not one product at a time: C, +2^m and -2^m in one exactly summed block.
      r.datapath = "exact";
      r.fraction_bits_lower_bound = true;
      r.block = p.block_exact();
    } else if (r.block == 1) {
      r.datapath = "fma_chain";
    } else if (p.rounds_partial_sums(f)) {
      r.datapath = "ftz_pairs";
    }
  }
  // Where each addition rounds (FMA chains, pairs) or the window reaches past the output's
  // precision, ties at C show the rounding; narrower windows need a carry (2^j ones).
  const bool rounds_each = r.datapath == "fma_chain" || r.datapath == "ftz_pairs";
  r.final_rounding = f >= prec || r.fraction_bits_lower_bound || rounds_each
                         ? p.rounding_at_c()
                         : p.rounding_by_ones(f, r.block);
  if (r.datapath.empty()) {  // a window: C in the block or added after it
    r.c_in_block = p.c_in_block(f, r.final_rounding);
    r.datapath = !r.c_in_block ? "unknown" : *r.c_in_block ? "fused" : "c_after";
    if (r.datapath == "c_after" && p.fused_in_halves(f)) r.datapath = "c_after_halves";
  } else if (r.datapath == "scaled" || r.datapath == "group_scaled") {
    r.c_in_block = p.c_in_block(f, r.final_rounding);
  }
  if (r.datapath == "fused" || r.datapath == "scaled" || r.datapath == "group_scaled") {
    r.operand_exponents = p.operand_exponents(f);
    r.output_fraction_bits = p.output_fraction_bits(f);
    p.zero_exponent(f, r.final_rounding, r.block, r);
    r.signed_zero = p.signed_zero();
  }
  if (r.datapath == "c_after" || r.datapath == "c_after_halves") r.c_after_bits = p.c_after_bits();
  r.tf32_nan_to_inf = p.tf32_nan_to_inf();
  r.nan_bits = p.nan_bits();
  r.subnormal_inputs = p.subnormal_inputs();
  r.subnormal_outputs = p.subnormal_outputs();
  r.monotone = p.monotone(seed, r.block, r.monotone_counterexample);
  r.tree = describe_tree(r, p, unit);
  return r;
}

}  // namespace numguard
