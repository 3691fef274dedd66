#include "harness/studies/tensor_core_probe.h"

#include <cmath>
#include <sstream>

#include "harness/core/rounding.h"
#include "harness/engine/random.h"

namespace numguard {
namespace {

struct Term {
  double a = 0, b = 0;
};

class Prober {
 public:
  explicit Prober(const MatrixUnit& u) : u_(u), in_(desc(u.in)), out_(desc(u.out)) {}

  // Runs the unit on terms placed at the given positions (zeros elsewhere).
  double run(const std::vector<std::pair<int, Term>>& terms, double c = 0, int k = 0) const {
    int len = k;
    for (const auto& [pos, t] : terms) len = std::max(len, pos + 1);
    std::vector<uint64_t> a(static_cast<size_t>(len), 0), b(static_cast<size_t>(len), 0);
    for (const auto& [pos, t] : terms) {
      a[static_cast<size_t>(pos)] = exact_bits(u_.in, t.a);
      b[static_cast<size_t>(pos)] = exact_bits(u_.in, t.b);
    }
    return decode(u_.out, u_.dot(a, b, exact_bits(u_.out, c)));
  }

  // 2^e as a product of two input values, the factors as balanced as possible (so normal
  // factors are preferred to subnormal ones), or nullopt.
  std::optional<Term> pow2(int e, bool negative = false) const {
    const int lo = in_.emin() - (in_.precision - 1), hi = in_.emax();
    std::optional<Term> best;
    int best_gap = 0;
    for (int x = lo; x <= hi; ++x) {
      const int y = e - x;
      if (y < lo || y > hi) continue;
      if (!best || std::abs(x - y) < best_gap) {
        best = Term{negative ? -std::ldexp(1.0, x) : std::ldexp(1.0, x), std::ldexp(1.0, y)};
        best_gap = std::abs(x - y);
      }
    }
    return best;
  }
  int min_product_exp() const { return 2 * (in_.emin() - (in_.precision - 1)); }
  int max_product_exp() const { return 2 * in_.emax(); }
  int min_out_exp() const { return out_.emin() - (out_.precision - 1); }

  // Leading exponent m for the cancellation tests, with room for small terms below it.
  int lead() const { return std::min(out_.emax() - 2, 2 * (in_.emax() - 1)); }
  int lowest() const { return std::max(min_out_exp(), min_product_exp()); }

  bool products_exact() const {
    const int h = std::min((out_.precision - 1) / 2, in_.precision - 1);
    const double x = 1 + std::ldexp(1.0, -h);
    return run({{0, {x, x}}}) == x * x;
  }

  int fraction_bits(bool& at_limit) const {
    const int m = lead();
    const auto big = pow2(m), neg = pow2(m, true);
    at_limit = false;
    if (!big || !neg) return -1;
    int f = -1;
    for (int k = 1;; ++k) {
      const auto tiny = m - k >= lowest() ? pow2(m - k) : std::nullopt;
      if (!tiny) {
        at_limit = true;  // ran out of representable tiny terms before any was dropped
        break;
      }
      // The small term goes first: a unit that adds in order in a narrower format would round
      // it away against 2^m before the cancellation, while a fused block keeps or truncates
      // it the same wherever it sits.
      if (run({{0, *tiny}, {1, *big}, {2, *neg}}) != std::ldexp(1.0, m - k)) break;
      f = k;
    }
    return f;
  }

  int block(int f) const {
    const int m = lead();
    const int k = std::min(f + 2, m - lowest());
    const auto big = pow2(m), neg = pow2(m, true), tiny = pow2(m - k);
    if (!big || !neg || !tiny || k <= f) return 0;
    for (int j = 2; j < u_.max_k; ++j)
      if (run({{0, *big}, {1, *neg}, {j, *tiny}}) != 0) return j;
    return 0;
  }

  // Blocks start at every multiple of b: the same test shifted to the second block.
  bool blocks_periodic(int b, int f) const {
    const int m = lead(), k = std::min(f + 2, m - lowest());
    const auto big = pow2(m), neg = pow2(m, true), tiny = pow2(m - k);
    if (!big || !neg || !tiny || 3 * b > u_.max_k) return false;
    return run({{b, *big}, {b + 1, *neg}, {2 * b - 1, *tiny}}) == 0 &&
           run({{b, *big}, {b + 1, *neg}, {2 * b, *tiny}}) != 0;
  }

  // 2^j ones lift the exact sum to [2^j, 2^(j+1)), where the output's ulp U = 2^(j-p+1) is
  // twice the smallest bit the window keeps (2^-f below the leading one), so U and U/2
  // survive the alignment and the output must round: 2^j + 3U/2 is a tie between an odd and
  // an even neighbour, 2^j + U/2 a tie between an even and an odd one.
  std::string final_rounding(int f) const {
    const int p = out_.precision;
    const int j = std::max(1, p - f);
    const int ones = 1 << std::min(j, 20);
    if (f < 0 || j > 20 || ones + 2 > u_.max_k) return "unobservable";
    if (ones + 2 > std::max(block_hint_, 3)) return "unobservable";
    // Scale so that the smallest term U/2 is a product of input values.
    const int s = std::max(0, min_product_exp() - (j - p));
    if (s + j + 1 > max_product_exp() || s + j + 1 > out_.emax()) return "unknown";
    auto term = [&](int e, bool neg) { return pow2(e + s, neg); };
    if (!term(0, false) || !term(j - p, false) || !term(j - p + 1, false)) return "unknown";
    auto case_sum = [&](bool neg, bool three_halves) {
      std::vector<std::pair<int, Term>> terms;
      for (int i = 0; i < ones; ++i) terms.push_back({i, *term(0, neg)});
      if (three_halves) terms.push_back({ones, *term(j - p + 1, neg)});
      terms.push_back({ones + 1, *term(j - p, neg)});
      return run(terms) / std::ldexp(1.0, s);
    };
    const double base = std::ldexp(1.0, j), ulp = std::ldexp(1.0, j - p + 1);
    const double lo = base + ulp, hi = base + 2 * ulp;
    const double t1 = case_sum(false, true), n1 = case_sum(true, true);
    const double t2 = case_sum(false, false);
    if (t1 == lo && n1 == -lo) return "rz";
    if (t1 == lo && n1 == -hi) return "rd";
    if (t1 == hi && n1 == -lo) return "ru";
    if (t1 == hi && n1 == -hi) return t2 == base ? "rne" : t2 == base + ulp ? "rna" : "unknown";
    return "unknown";
  }
  void set_block_hint(int b) { block_hint_ = b; }

  std::optional<bool> subnormal_inputs() const {
    const double tiny = in_.min_subnormal();
    const double want = tiny;  // times 1
    if (want < out_.min_subnormal()) return std::nullopt;
    return run({{0, {tiny, 1.0}}}) == want;
  }

  std::optional<bool> subnormal_outputs() const {
    const int e = out_.emin() - 1;  // a subnormal of the output
    if (e >= 2 * in_.emin()) {      // reachable as a product of two normal inputs
      for (int x = in_.emin(); x <= in_.emax(); ++x) {
        const int y = e - x;
        if (y >= in_.emin() && y <= in_.emax()) {
          const double r = run({{0, {std::ldexp(1.0, x), std::ldexp(1.0, y)}}});
          return r == std::ldexp(1.0, e);
        }
      }
    }
    return std::nullopt;
  }

  std::optional<bool> c_in_block(int f, const std::string& rounding) const {
    const int p = out_.precision;
    if (rounding == "rz" || rounding == "rd") {
      const auto tiny = pow2(-(f + 2), true);
      if (!tiny) return std::nullopt;
      return run({{0, *tiny}}, 1.0) == 1.0;
    }
    if ((rounding == "rne" || rounding == "rna") && f >= p + 1) {
      const auto half = pow2(-(p + 1), true), below = pow2(-(f + 1), true);
      if (!half || !below) return std::nullopt;
      return run({{0, *half}, {1, *below}}, 1.0) == 1.0;
    }
    return std::nullopt;
  }

  // Raising one product must never lower the result (single-ulp increases of an input).
  bool monotone(uint64_t seed, int block, std::string& example) const {
    Rng r(seed);
    const int k = std::clamp(2 * std::max(block, 1), 2, u_.max_k);
    for (int trial = 0; trial < 2000; ++trial) {
      std::vector<uint64_t> a(static_cast<size_t>(k)), b(static_cast<size_t>(k));
      for (int i = 0; i < k; ++i) {
        a[static_cast<size_t>(i)] = exact_bits(u_.in, round_value(u_.in, r.uniform(-1, 1)));
        b[static_cast<size_t>(i)] = exact_bits(u_.in, round_value(u_.in, r.uniform(0.1, 1)));
      }
      const uint64_t c = exact_bits(u_.out, round_value(u_.out, r.uniform(-1, 1)));
      const size_t i = static_cast<size_t>(r.integer(0, k - 1));
      const double before = decode(u_.out, u_.dot(a, b, c));
      const double next = std::nextafter(decode(u_.in, a[i]), INFINITY);
      const double up = round_value(u_.in, next, Rounding::ru);
      if (!std::isfinite(up)) continue;
      a[i] = exact_bits(u_.in, up);
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

 private:
  static uint64_t exact_bits(Format f, double x) { return round_double(f, x).bits; }

  const MatrixUnit& u_;
  int block_hint_ = 0;  // the block found earlier: all terms of a case must share one block
  const FormatDesc& in_;
  const FormatDesc& out_;
};

}  // namespace

ProbeResult probe(const MatrixUnit& unit, uint64_t seed) {
  Prober p(unit);
  ProbeResult r;
  r.unit = unit.name;
  r.in = unit.in;
  r.out = unit.out;
  r.products_exact = p.products_exact();
  r.fraction_bits = p.fraction_bits(r.fraction_bits_lower_bound);
  r.block = p.block(r.fraction_bits);
  p.set_block_hint(r.block);
  r.final_rounding = p.final_rounding(r.fraction_bits);
  r.subnormal_inputs = p.subnormal_inputs();
  r.subnormal_outputs = p.subnormal_outputs();
  r.c_in_block = p.c_in_block(r.fraction_bits, r.final_rounding);
  r.monotone = p.monotone(seed, r.block, r.monotone_counterexample);
  std::ostringstream tree;
  if (r.block > 0) {
    tree << "chain of fused blocks: C + " << r.block << " products per block (" << r.block + 1
         << "-way), blocks at k = 0, " << r.block << ", " << 2 * r.block << ", ...";
    if (!p.blocks_periodic(r.block, r.fraction_bits))
      tree << " (second block not at " << r.block << ": irregular)";
  } else {
    tree << "no block boundary found up to k = " << unit.max_k;
  }
  r.tree = tree.str();
  return r;
}

}  // namespace numguard
