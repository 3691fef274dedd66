#include "harness/explain/reduction_model.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <vector>

#include "kernels_under_test/cpu/kahan.h"
#include "kernels_under_test/cpu/order_variants.h"
#include "kernels_under_test/cpu/pairwise.h"
#include "kernels_under_test/cpu/tensor_core_algorithm.h"
#include "kernels_under_test/cpu/twin_kernels.h"

namespace numguard::explain {
namespace {

using kernels::Terms;

// Any rounding mode into any format of at most 51 bits, optionally flushing subnormal results:
// a double rounded to odd and then rounded once more is the correctly rounded result for every
// mode (acc_arithmetic.h), so kernels::add and mul work with it unchanged.
struct ModeRound {
  Format format;
  Rounding mode;
  bool ftz;
  double min_normal;
  double operator()(double x) const {
    const double y = round_value(format, x, mode);
    return ftz && y != 0 && std::fabs(y) < min_normal ? std::copysign(0.0, y) : y;
  }
};

// Round to nearest even at `frac` fraction bits with fp32's exponent range (subnormals kept,
// overflow to inf), by the magic-number trick of acc_arithmetic.h's NarrowRound.
struct FracBitsRound {
  Format format = Format::fp32;  // the format the split-K partials compare against
  int frac;
  double operator()(double x) const {
    const uint64_t bits = std::bit_cast<uint64_t>(x);
    const int biased = static_cast<int>((bits >> 52) & 0x7ff);
    if (biased == 0x7ff || x == 0) return x;
    const int e = biased - 1023;
    const int q = std::max(e, -126) - frac;
    const double magic =
        std::bit_cast<double>((static_cast<uint64_t>(q + 52 + 1023) << 52) | (uint64_t{1} << 51));
    double r = std::copysign((x + magic) - magic, x);
    if (std::fabs(r) > 0x1.fffffep127) r = std::copysign(INFINITY, x);
    return r;
  }
};

// RNE into the product formats a kernel may store a product in.
template <Format F>
double round_into(double x) {
  return round_value(F, x);
}
double (*product_rounding(Format f))(double) {
  switch (f) {
    case Format::fp32:
      return round_into<Format::fp32>;
    case Format::tf32:
      return round_into<Format::tf32>;
    case Format::bf16:
      return round_into<Format::bf16>;
    case Format::fp16:
      return round_into<Format::fp16>;
    default:
      return nullptr;
  }
}

bool fused(const Accumulation& s) {
  return s.order == Order::fused_block || (s.order == Order::split_k && s.frac_bits > 0);
}

// A fused block's acc_rounding is the block's own final rounding (tc::TcModel); what runs
// outside the blocks (split-K sums, the epilogue) rounds to nearest even, as CUDA cores do.
template <class F>
void with_round(const Recipe& r, int acc_frac_bits, F&& f) {
  if (acc_frac_bits > 0) return f(FracBitsRound{.frac = acc_frac_bits});
  const bool fast = r.acc == Format::fp32 || r.acc == Format::fp16 || r.acc == Format::bf16;
  if (fast && (r.acc_rounding == Rounding::rne || fused(r.shape)) && !r.ftz.acc)
    return kernels::with_acc_rounding(r.acc, f);
  f(ModeRound{r.acc, r.acc_rounding, r.ftz.acc, desc(r.acc).min_normal()});
}

// The last K mod tile terms appended once more: a residue tile loaded twice.
Problem duplicate_tail(std::string_view op, const Problem& p, int64_t tile) {
  const int64_t kept = p.k / tile * tile, extra = p.k - kept, k2 = p.k + extra;
  if (extra == 0) return p;
  Problem q = p;
  q.k = k2;
  q.a = Tensor(p.a.format, {p.m, k2});
  for (int64_t i = 0; i < p.m; ++i)
    for (int64_t l = 0; l < k2; ++l)
      q.a.bits[static_cast<size_t>(i * k2 + l)] =
          p.a.bits[static_cast<size_t>(i * p.k + (l < p.k ? l : kept + l - p.k))];
  if (op != "sum" && op != "sumsq") {
    q.b = Tensor(p.b.format, {k2, p.n});
    for (int64_t l = 0; l < k2; ++l)
      for (int64_t j = 0; j < p.n; ++j)
        q.b.bits[static_cast<size_t>(l * p.n + j)] =
            p.b.bits[static_cast<size_t>((l < p.k ? l : kept + l - p.k) * p.n + j)];
  }
  return q;
}

// Levels of sequential sums of `fanin` terms (recipe.h Order::tree).
struct Tree {
  int64_t fanin = 2;
  template <class R, bool P>
  double operator()(const R& round, const Terms<P>& t) const {
    if (t.k == 0) return 0.0;
    std::vector<double> level;
    for (int64_t lo = 0; lo < t.k; lo += fanin)
      level.push_back(kernels::Sequential{}(round, t.sub(lo, std::min(fanin, t.k - lo))));
    while (level.size() > 1) {
      std::vector<double> next;
      const auto f = static_cast<size_t>(fanin);
      for (size_t lo = 0; lo < level.size(); lo += f) {
        double s = level[lo];
        for (size_t i = lo + 1; i < std::min(level.size(), lo + f); ++i)
          s = kernels::add(round, s, level[i]);
        next.push_back(s);
      }
      level = std::move(next);
    }
    return level[0];
  }
};

kernels::StridedButterfly butterfly(int lanes, bool repeated) {
  kernels::StridedButterfly b{.lanes = lanes, .offsets = {}, .levels = 0};
  for (int o = lanes / 2; o >= 1 && b.levels < 8; o /= 2) b.offsets[b.levels++] = o;
  if (repeated && b.levels >= 2) b.offsets[b.levels - 1] = b.offsets[b.levels - 2];
  return b;
}

tc::TcModel tc_model(const Recipe& r) {
  return {.block = r.shape.block,
          .frac_bits = r.shape.frac_bits,
          .final_rounding = r.acc_rounding,
          .operand_exponents = r.shape.operand_exponents,
          .operand_emin = tc::operand_emin(r.input_cast.value_or(r.in)),
          .zero_exponent = r.shape.zero_exponent,
          .out_frac_bits = r.shape.out_frac_bits};
}

// Calls f(algo) with the summation order the variant computes.
template <class F>
void with_order(const ReductionVariant& v, F&& f) {
  const Recipe& r = v.r;
  const Accumulation& s = r.shape;
  switch (s.order) {
    case Order::pairwise:
      return f(kernels::Pairwise{.three_term_leaf_bug = v.pairwise_leaf_bug});
    case Order::blocked:
      return f(kernels::BlockedRuntime{.block = s.block});
    case Order::tree:
      return f(Tree{.fanin = s.fanin});
    case Order::compensated:
      return f(kernels::Kahan{});
    case Order::strided:
      return f(butterfly(std::max(s.lanes, 1), v.repeated_offset));
    case Order::fused_block:
      return f(kernels::TensorCoreBlocks{.model = tc_model(r), .acc = r.acc});
    case Order::split_k:
      if (s.frac_bits > 0)
        return f(kernels::SplitKRuntime<kernels::TensorCoreBlocks>{
            .chunk_algo = {.model = tc_model(r), .acc = r.acc},
            .splits = s.splits,
            .partial = s.partial,
            .reduce = v.split_reduce});
      return f(kernels::SplitKRuntime<>{
          .splits = s.splits, .partial = s.partial, .reduce = v.split_reduce});
    case Order::sequential:
    case Order::any:  // an undocumented order: the sequential one is the guess
      return f(kernels::Sequential{});
  }
}

std::vector<double> operand(const Tensor& t, const Recipe& r) {
  std::vector<double> v = t.values(r.daz);
  if (r.input_cast)
    for (double& x : v) x = round_value(*r.input_cast, x, r.input_cast_rounding);
  return v;
}

}  // namespace

bool reduction_emulable(std::string_view op, const Recipe& r) {
  if (r.acc == Format::fp64 || desc(r.acc).precision > 51) return false;
  if (r.product && *r.product != r.acc && !product_rounding(*r.product)) return false;
  const Accumulation& s = r.shape;
  if (fused(s) && (op == "sum" || op == "sumsq" || s.block <= 0)) return false;
  if (fused(s) && (r.acc_rounding == Rounding::sr || r.ftz.acc)) return false;
  if (s.order == Order::tree && s.fanin < 2) return false;
  if (s.order == Order::blocked && s.block <= 0) return false;
  if (s.order == Order::split_k && s.splits <= 0) return false;
  if (s.order == Order::strided && s.lanes > 256) return false;
  return r.acc_rounding != Rounding::sr && r.out_rounding != Rounding::sr;
}

void emulate_reduction(std::string_view op, const ReductionVariant& v, const Problem& p,
                       Tensor& out) {
  if (v.duplicate_tile > 0) {
    ReductionVariant once = v;
    once.duplicate_tile = 0;
    return emulate_reduction(op, once, duplicate_tail(op, p, v.duplicate_tile), out);
  }
  const Recipe& r = v.r;
  const bool sum = op == "sum", squares = op == "sumsq";
  const int64_t m = p.m, n = sum || squares ? 1 : p.n, k = p.k;
  std::vector<double> a = operand(p.a, r);
  double alpha = p.alpha;
  if (v.alpha_to_inputs && alpha != 1 && alpha != 0) {
    const double scale = round_value(r.acc, alpha);
    for (double& x : a) x = round_value(r.acc, scale * x);
    alpha = 1;
  }
  std::vector<double> bt;
  if (!sum && !squares) {
    const std::vector<double> b = operand(p.b, r);
    bt.resize(b.size());
    for (int64_t l = 0; l < k; ++l)
      for (int64_t j = 0; j < n; ++j)
        bt[static_cast<size_t>(j * k + l)] = b[static_cast<size_t>(l * n + j)];
  }
  const bool arithmetic = r.alpha_beta == AlphaBeta::arithmetic;
  const double beta = v.c_dropped_at_unit_scalars && p.alpha == 1 && p.beta == 1 ? 0.0 : p.beta;
  const std::vector<double> c = (p.beta != 0 || arithmetic || v.c_at_beta0) && !p.c.empty()
                                    ? p.c.values(r.daz)
                                    : std::vector<double>{};
  const Format in = r.input_cast.value_or(r.in);
  bool all_fp32_terms =
      sum ? in != Format::fp64 : kernels::product_exact_in(in, Format::fp32) && alpha == p.alpha;
  const int64_t kept = v.tile > 0 ? k / v.tile * v.tile : k;
  const double flush_below = r.ftz.products ? desc(r.acc).min_normal() : 0.0;
  // A product rounded to the accumulator is what the orders that do not fuse (pairwise's
  // leaves) already do; a product format of its own is rounded into here.
  double (*round_product)(double) =
      r.product && *r.product != r.acc ? product_rounding(*r.product) : nullptr;
  if (round_product) all_fp32_terms = true;  // every rounded product is an fp32 value
  const RoundOptions o{.mode = r.out_rounding, .ftz = r.ftz.out};
  with_round(r, v.acc_frac_bits, [&](const auto& round) {
    with_order(v, [&](const auto& algo) {
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) {
          const double* row = a.data() + i * k;
          double acc = 0.0;
          if (alpha != 0 || arithmetic || v.ab_at_alpha0) {
            if (sum) {
              acc = algo(round, Terms<false>{row, nullptr, kept, all_fp32_terms});
            } else {
              const double* col = squares ? row : bt.data() + j * k;
              acc = algo(round,
                         Terms<true>{row, col, kept, all_fp32_terms, flush_below, round_product});
            }
          }
          const double cij = c.empty() ? 0.0 : c[static_cast<size_t>(i * n + j)];
          double y;
          if (arithmetic && !(alpha == 1 && p.beta == 0 && c.empty())) {
            // As written: alpha * acc + beta * c, every operation performed (0 * NaN = NaN).
            y = kernels::add(round, kernels::mul(round, round(alpha), acc),
                             kernels::mul(round, round(p.beta), round(cij)));
          } else {
            y = kernels::epilogue(round, alpha, beta, acc, cij, v.ab_at_alpha0,
                                  v.c_at_beta0 && !c.empty());
          }
          if (v.out_through) y = round_value(*v.out_through, y);
          out.bits[static_cast<size_t>(i * n + j)] = round_double(r.out, y, o).bits;
        }
    });
  });
}

}  // namespace numguard::explain
