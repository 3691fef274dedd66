// scaled_gemm: out (m x n, fp32) = sum_l A[i, l] B[l, j] SA[i, l / 32] SB[l / 32, j]: a GEMM
// over operands already in an OCP MX element format (the recipe's input: e4m3, e5m2, e2m1,
// ...) with their E8M0 block scales, one per 32 elements along k, as the tensors a
// vendor's MXFP8 / MXFP4 GEMM (cuBLASLt's block-scaled matmul, Transformer Engine) reads
// them. Unlike mx_gemm, nothing is quantized here: the kernel is judged on the tensors it is
// given, a user's own among them (`check --inputs`). The scales are row-major m x k/32 for A
// and k/32 x n for B (a hardware-swizzled layout is the adapter's to undo). The bound is the
// recipe's accumulation bound over the scaled products (docs/error-models.md, "Block-scaled
// GEMM").
#include <cmath>

#include <fmt/format.h>

#include "harness/core/output_sample.h"
#include "harness/engine/bound.h"
#include "harness/engine/op.h"
#include "harness/engine/ops/block_scaled_sum.h"
#include "harness/engine/ops/reduction_cases.h"
#include "harness/engine/ops/reduction_judge.h"
#include "harness/engine/ops/reduction_study.h"
#include "references/mx_block.h"

namespace numguard::ops {
namespace {

constexpr ReductionForm kGemm{.has_b = true, .quadratic = true, .gemm = true};
constexpr int kBlock = 32;

int64_t k32(int64_t k) {
  return (k + kBlock - 1) / kBlock;
}

// The generator's values (drawn in bf16: shapes, outliers, specials) quantized along k by the
// OCP MX rule into the kernel's element format; corner generators then replace some scales
// by any E8M0 byte (2^-127 .. 2^127, NaN), which data-derived scales rarely are.
Problem make_scaled(const KernelDesc& kd, Rng& r, std::string_view g) {
  KernelDesc wide = kd;
  wide.recipe = Recipe{};
  wide.recipe.in = Format::bf16;
  const Problem v = reduction_case(kGemm, wide, r, g);
  Problem p;
  p.m = v.m;
  p.n = v.n;
  p.k = v.k;
  const Format el = kd.recipe.in;
  const mx::BlockFormat f{"mx", el, kBlock, Format::e8m0};
  p.a = Tensor(el, {p.m, p.k});
  p.b = Tensor(el, {p.k, p.n});
  p.c = Tensor(Format::e8m0, {p.m, k32(p.k)});
  p.d = Tensor(Format::e8m0, {k32(p.k), p.n});
  std::vector<double> line(static_cast<size_t>(p.k));
  for (int64_t i = 0; i < p.m; ++i) {
    for (int64_t l = 0; l < p.k; ++l)
      line[static_cast<size_t>(l)] = v.a.value(static_cast<size_t>(i * p.k + l));
    const mx::Quantized q = mx::quantize(f, line, mx::ScaleRule::spec);
    std::copy(q.elements.begin(), q.elements.end(), p.a.bits.begin() + i * p.k);
    std::copy(q.scales.begin(), q.scales.end(), p.c.bits.begin() + i * k32(p.k));
  }
  for (int64_t j = 0; j < p.n; ++j) {
    for (int64_t l = 0; l < p.k; ++l)
      line[static_cast<size_t>(l)] = v.b.value(static_cast<size_t>(l * p.n + j));
    const mx::Quantized q = mx::quantize(f, line, mx::ScaleRule::spec);
    for (int64_t l = 0; l < p.k; ++l)
      p.b.bits[static_cast<size_t>(l * p.n + j)] = q.elements[static_cast<size_t>(l)];
    for (int64_t b = 0; b < k32(p.k); ++b)
      p.d.bits[static_cast<size_t>(b * p.n + j)] = q.scales[static_cast<size_t>(b)];
  }
  if ((g == "special" || g == "api_corners" || g == "near_overflow") && r.coin())
    for (Tensor* s : {&p.c, &p.d})
      for (uint64_t& x : s->bits)
        if (r.coin(0.25)) x = static_cast<uint64_t>(r.integer(0, 255));
  return p;
}

struct Columns {  // B's columns and their scales, contiguous
  std::vector<std::vector<uint64_t>> elements, scales;
};

Columns columns(const Problem& p) {
  Columns c;
  const int64_t kb = k32(p.k);
  c.elements.assign(static_cast<size_t>(p.n), std::vector<uint64_t>(static_cast<size_t>(p.k)));
  c.scales.assign(static_cast<size_t>(p.n), std::vector<uint64_t>(static_cast<size_t>(kb)));
  for (int64_t l = 0; l < p.k; ++l)
    for (int64_t j = 0; j < p.n; ++j)
      c.elements[static_cast<size_t>(j)][static_cast<size_t>(l)] =
          p.b.bits[static_cast<size_t>(l * p.n + j)];
  for (int64_t b = 0; b < kb; ++b)
    for (int64_t j = 0; j < p.n; ++j)
      c.scales[static_cast<size_t>(j)][static_cast<size_t>(b)] =
          p.d.bits[static_cast<size_t>(b * p.n + j)];
  return c;
}

std::vector<OpElement> judge_scaled(const Recipe& rc, const Problem& p) {
  const BoundModel bm = derive_bound(rc, p.k, false);
  const Columns cols = columns(p);
  const int64_t kb = k32(p.k);
  const FormatDesc& acc = desc(rc.acc);
  const OutputSample* sample = current_output_sample();
  std::vector<OpElement> out;
  for (int64_t i = 0; i < p.m; ++i)
    for (int64_t j = 0; j < p.n; ++j) {
      if (sample && !sample->wanted(static_cast<size_t>(i * p.n + j))) continue;
      const auto row =
          std::span(p.a.bits).subspan(static_cast<size_t>(i * p.k), static_cast<size_t>(p.k));
      const auto row_scales =
          std::span(p.c.bits).subspan(static_cast<size_t>(i * kb), static_cast<size_t>(kb));
      const BlockScaledSum bs = block_scaled_sum(p.a.format, Format::e8m0, kBlock, row,
                                                 cols.elements[static_cast<size_t>(j)], row_scales,
                                                 cols.scales[static_cast<size_t>(j)]);
      OpElement e;
      if (bs.special) {
        e.value = *bs.special;
        out.push_back(e);
        continue;
      }
      const Unpacked exact = bs.exact.unpacked();
      e.exact = exact;
      e.value = decode(Format::fp64, round_to(Format::fp64, exact).bits);
      // A subnormal element (e2m1's 0.5, e4m3's below 2^-6) is aligned at its format's emin.
      const double inflation = align_inflation(rc, p, i, j);
      const BoundModel m = inflation == 1.0 ? bm : derive_bound(rc, p.k, false, 1.0, inflation);
      e.bound = element_bound(m, bs.abs_sum, std::fabs(e.value));
      e.estimate = probabilistic_bound(m, bs.abs_sum, std::fabs(e.value));
      e.scale = bs.abs_sum;
      // Scales reach 2^254 between them: the scaled products can leave the accumulator's range.
      if (bs.abs_sum * (1 + bm.phi) > acc.max_finite())
        e.domain = fmt::format("the scaled products' sum may overflow {}", name(rc.acc));
      out.push_back(e);
    }
  return out;
}

ElementInputs describe_scaled(const Problem& p, size_t element) {
  const int64_t i = p.n ? static_cast<int64_t>(element) / p.n : 0;
  const int64_t j = p.n ? static_cast<int64_t>(element) % p.n : 0;
  ElementInputs in;
  in.where = fmt::format(" (row {}, col {})", i, j);
  std::string scales;
  for (int64_t b = 0; b < k32(p.k) && b < 8; ++b)
    scales += fmt::format("{}2^{}*2^{}", b ? ", " : "",
                          std::ilogb(p.c.value(static_cast<size_t>(i * k32(p.k) + b))),
                          std::ilogb(p.d.value(static_cast<size_t>(b * p.n + j))));
  in.text = fmt::format("k = {} {} elements, block scales SA * SB per 32: {}{}", p.k,
                        name(p.a.format), scales, k32(p.k) > 8 ? ", ..." : "");
  in.complete = false;
  return in;
}

// gemm's range pattern with unit scales beside it: the cliffs are gemm's.
RangeSpec scaled_range() {
  RangeSpec s = reduction_range(kGemm);
  s.pattern = [inner = s.pattern](Rng& r) {
    RangePattern pat = inner(r);
    const int64_t m = pat.shape.m, n = pat.shape.n, kb = k32(pat.shape.k);
    pat.draw(2, {m, kb}, r, [](Rng&) { return 1.0; });
    pat.draw(3, {kb, n}, r, [](Rng&) { return 1.0; });
    pat.scaled_desc += "; block scales SA and SB all 1";
    return pat;
  };
  return s;
}

OpInfo scaled_gemm_op() {
  OpInfo op;
  op.name = "scaled_gemm";
  op.summary =
      "out = sum_l A[i,l] B[l,j] SA[i,l/32] SB[l/32,j]: a GEMM over MX element tensors and their "
      "E8M0 block scales, as given (fp32 out)";
  op.rank = 46;
  op.reduction_length = "k, the terms summed into each output";
  op.schema = {
      .dims = {{Dim::m, "rows of A"}, {Dim::n, "columns of B"}, {Dim::k, "the inner dimension"}},
      .operands = {{.slot = 'a',
                    .name = "A",
                    .shape = {Dim::m, Dim::k},
                    .meaning = "MX elements, row-major"},
                   {.slot = 'b',
                    .name = "B",
                    .shape = {Dim::k, Dim::n},
                    .meaning = "MX elements, row-major"},
                   {.slot = 'c',
                    .name = "SA",
                    .shape = {Dim::m, Dim::k32},
                    .format = OperandFormat::scale,
                    .meaning = "A's E8M0 scales, one per 32 elements of a row (the last block may "
                               "be short)"},
                   {.slot = 'd',
                    .name = "SB",
                    .shape = {Dim::k32, Dim::n},
                    .format = OperandFormat::scale,
                    .meaning = "B's E8M0 scales, one per 32 elements of a column"}},
      .out = {Dim::m, Dim::n},
      .out_meaning = "D, row-major"};
  op.bound_formula =
      "the recipe's accumulation bound over the scaled products A B SA SB (blocked / fused "
      "blocks as declared; docs/error-models.md, \"Block-scaled GEMM\")";
  op.generator_notes = {
      {"api_corners",
       "M, N or K = 0, K not a multiple of 32, NaN or inf in A or B (its block's scale becomes "
       "NaN), and any E8M0 byte as a scale (2^-127, 2^127, NaN)"},
      {"transformer",
       "activations with outlier channels x weights, quantized by OCP MX's rule: outliers set "
       "their block's scale"}};
  op.make = make_scaled;
  op.judge = judge_scaled;
  op.describe = describe_scaled;
  op.range = scaled_range();
  op.fuzz = {.family = "reduction", .layout = FuzzLayout::generated};
  op.recipe_use = {.accumulation = true, .orders = {}};
  return op;
}

NUMGUARD_REGISTER_OP(scaled_gemm_op());

}  // namespace
}  // namespace numguard::ops
