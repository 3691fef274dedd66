// GEMMs over block-scaled tensors as given, the tensors a vendor's MXFP8 / MXFP6 / MXFP4 /
// NVFP4 GEMM (cuBLASLt's block-scaled matmul, Transformer Engine, CUTLASS) reads. Unlike
// mx_gemm, nothing is quantized here: the kernel is judged on the tensors it is given, a
// user's own among them (`check --inputs`). The scales are row-major m x kb for A and kb x n
// for B (a hardware-swizzled layout is the adapter's to undo).
//  scaled_gemm: out = sum_l A[i, l] B[l, j] SA[i, l / 32] SB[l / 32, j], elements in an OCP MX
//    format (the recipe's input: e4m3, e5m2, e3m2, e2m3, e2m1), E8M0 scales.
//  nvfp4_gemm: out = scale_a scale_b sum_l A[i, l] B[l, j] SA[i, l / 16] SB[l / 16, j], e2m1
//    elements, UE4M3 scales, and the two fp32 tensor scales, which kernels multiply in the
//    fp32 epilogue (cuBLASLt's alpha).
// The bound is the recipe's accumulation bound over the scaled products, and for NVFP4 the
// epilogue's two fp32 roundings (docs/error-models.md, "Block-scaled GEMM").
#include <algorithm>
#include <cmath>
#include <optional>

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

// One of the two ops: its block format, and the dimension its scale tensors are counted in.
struct Spec {
  const mx::BlockFormat* format = nullptr;  // nullptr: the MX format of the recipe's input
  Dim kb = Dim::k32;
  OperandFormat scale = OperandFormat::scale;
  bool tensor_scales = false;  // NVFP4: p.scalars = {scale_a, scale_b}

  int block() const { return kb == Dim::k16 ? 16 : 32; }
  Format scale_format() const { return format ? format->scale : Format::e8m0; }
  int64_t blocks(int64_t k) const { return (k + block() - 1) / block(); }
  // The probe plugin's kernels read any input format: quantized by the same rule.
  mx::BlockFormat of(Format el) const {
    return format ? mx::BlockFormat{"nvfp4", el, 16, Format::ue4m3}
                  : mx::BlockFormat{"mx", el, 32, Format::e8m0};
  }
};

const Spec kMx{};
const Spec kNvfp4{.format = mx::find_block_format("nvfp4"),
                  .kb = Dim::k16,
                  .scale = OperandFormat::scale_ue4m3,
                  .tensor_scales = true};

// The generator's values (drawn in bf16: shapes, outliers, specials) quantized along k by the
// block format's rule into the kernel's element format (NVFP4: with each operand's tensor
// scale from its largest magnitude); corner generators then replace some scales by any scale
// byte (E8M0: 2^-127 .. 2^127 and NaN; UE4M3: zero, subnormals, 448 and NaN) and, for NVFP4,
// the tensor scales by powers of two far from 1, and zero one block of A under a large scale.
Problem make_scaled(const Spec& spec, const KernelDesc& kd, Rng& r, std::string_view g) {
  KernelDesc wide = kd;
  wide.recipe = Recipe{};
  wide.recipe.in = Format::bf16;
  const Problem v = reduction_case(kGemm, wide, r, g);
  Problem p;
  p.m = v.m;
  p.n = v.n;
  p.k = v.k;
  const Format el = kd.recipe.in;
  const mx::BlockFormat f = spec.of(el);
  const int64_t kb = spec.blocks(p.k);
  p.a = Tensor(el, {p.m, p.k});
  p.b = Tensor(el, {p.k, p.n});
  p.c = Tensor(f.scale, {p.m, kb});
  p.d = Tensor(f.scale, {kb, p.n});
  // NVFP4's tensor scale comes from the whole operand's largest magnitude.
  const auto amax = [&](const Tensor& t) -> std::optional<double> {
    if (!spec.tensor_scales) return std::nullopt;
    double a = 0;
    for (size_t i = 0; i < t.size(); ++i)
      if (std::isfinite(t.value(i))) a = std::max(a, std::fabs(t.value(i)));
    return a;
  };
  const std::optional<double> amax_a = amax(v.a), amax_b = amax(v.b);
  p.scalars = spec.tensor_scales ? std::vector<double>{1.0, 1.0} : std::vector<double>{};
  std::vector<double> line(static_cast<size_t>(p.k));
  for (int64_t i = 0; i < p.m; ++i) {
    for (int64_t l = 0; l < p.k; ++l)
      line[static_cast<size_t>(l)] = v.a.value(static_cast<size_t>(i * p.k + l));
    const mx::Quantized q = mx::quantize(f, line, mx::ScaleRule::spec, amax_a);
    std::copy(q.elements.begin(), q.elements.end(), p.a.bits.begin() + i * p.k);
    std::copy(q.scales.begin(), q.scales.end(), p.c.bits.begin() + i * kb);
    if (spec.tensor_scales) p.scalars[0] = q.tensor_scale;
  }
  for (int64_t j = 0; j < p.n; ++j) {
    for (int64_t l = 0; l < p.k; ++l)
      line[static_cast<size_t>(l)] = v.b.value(static_cast<size_t>(l * p.n + j));
    const mx::Quantized q = mx::quantize(f, line, mx::ScaleRule::spec, amax_b);
    for (int64_t l = 0; l < p.k; ++l)
      p.b.bits[static_cast<size_t>(l * p.n + j)] = q.elements[static_cast<size_t>(l)];
    for (int64_t b = 0; b < kb; ++b)
      p.d.bits[static_cast<size_t>(b * p.n + j)] = q.scales[static_cast<size_t>(b)];
    if (spec.tensor_scales) p.scalars[1] = q.tensor_scale;
  }
  const bool corner = g == "special" || g == "api_corners" || g == "near_overflow";
  const int top = f.scale == Format::ue4m3 ? 0x7f : 0xff;
  if (corner && r.coin())
    for (Tensor* t : {&p.c, &p.d})
      for (uint64_t& x : t->bits)
        if (r.coin(0.25)) x = static_cast<uint64_t>(r.integer(0, top));
  // A block of A's row all zero under a large scale (an adapter padding k or reusing a scale
  // tensor): where the MMA sums products in groups, such a group may set the alignment
  // (zero_group_error). UE4M3 spans 2^-9 .. 448 only: there both scales of the block go to
  // the top and the others of A's row and of every column of B to the bottom.
  if (corner && p.m > 0 && kb > 0 && r.coin()) {
    const int64_t i = r.integer(0, p.m - 1), b = r.integer(0, kb - 1), bl = spec.block();
    for (int64_t l = b * bl; l < std::min(p.k, (b + 1) * bl); ++l)
      p.a.bits[static_cast<size_t>(i * p.k + l)] = 0;
    if (f.scale == Format::ue4m3) {
      for (int64_t o = 0; o < kb; ++o) {
        p.c.bits[static_cast<size_t>(i * kb + o)] = o == b ? 0x7e : 0x01;
        for (int64_t j = 0; j < p.n; ++j)
          p.d.bits[static_cast<size_t>(o * p.n + j)] = o == b ? 0x7e : 0x01;
      }
    } else {
      p.c.bits[static_cast<size_t>(i * kb + b)] = 127 + 24;
    }
  }
  if (corner && spec.tensor_scales && r.coin())
    for (double& t : p.scalars) t = std::ldexp(1.0, static_cast<int>(r.integer(-40, 40)));
  return p;
}

struct Columns {  // B's columns and their scales, contiguous
  std::vector<std::vector<uint64_t>> elements, scales;
};

Columns columns(const Spec& spec, const Problem& p) {
  Columns c;
  const int64_t kb = spec.blocks(p.k);
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

// A subnormal UE4M3 scale (below 2^-6) is aligned at the format's emin, as a subnormal
// element is: its products sit up to 2^-6 / s lower than their alignment (E8M0 scales are
// powers of two and never do). The worst factor over the blocks of row i and column j.
double scale_inflation(const Spec& spec, std::span<const uint64_t> sa,
                       std::span<const uint64_t> sb) {
  const Format f = spec.scale_format();
  if (f != Format::ue4m3) return 1.0;
  const double min_normal = desc(f).min_normal();
  const auto lift = [&](uint64_t bits) {
    const double s = decode(f, bits);
    return s > 0 && s < min_normal ? min_normal / s : 1.0;
  };
  double worst_a = 1.0, worst_b = 1.0;
  for (uint64_t x : sa) worst_a = std::max(worst_a, lift(x));
  for (uint64_t x : sb) worst_b = std::max(worst_b, lift(x));
  return worst_a * worst_b;
}

std::vector<OpElement> judge_scaled(const Spec& spec, const Recipe& rc, const Problem& p) {
  const BoundModel bm = derive_bound(rc, p.k, false);
  const Columns cols = columns(spec, p);
  const int64_t kb = spec.blocks(p.k);
  const FormatDesc& acc = desc(rc.acc);
  const FormatDesc& f32 = desc(Format::fp32);
  const double u = std::ldexp(1.0, -24);
  // NVFP4's epilogue multiplies by fp32(scale_a scale_b); its exact value is ts.
  const double ts = spec.tensor_scales ? p.scalars.at(0) * p.scalars.at(1) : 1.0;
  const OutputSample* sample = current_output_sample();
  std::vector<OpElement> out;
  for (int64_t i = 0; i < p.m; ++i)
    for (int64_t j = 0; j < p.n; ++j) {
      if (sample && !sample->wanted(static_cast<size_t>(i * p.n + j))) continue;
      const auto row =
          std::span(p.a.bits).subspan(static_cast<size_t>(i * p.k), static_cast<size_t>(p.k));
      const auto row_scales =
          std::span(p.c.bits).subspan(static_cast<size_t>(i * kb), static_cast<size_t>(kb));
      const auto& col_scales = cols.scales[static_cast<size_t>(j)];
      const BlockScaledSum bs =
          block_scaled_sum(p.a.format, spec.scale_format(), spec.block(), row,
                           cols.elements[static_cast<size_t>(j)], row_scales, col_scales);
      OpElement e;
      const double sum =
          bs.special ? *bs.special
                     : decode(Format::fp64, round_to(Format::fp64, bs.exact.unpacked()).bits);
      if (bs.special || !std::isfinite(ts)) {  // inf * 0 is NaN, as the epilogue has it
        e.value = sum * ts;
        out.push_back(e);
        continue;
      }
      // Subnormal e4m3 / e5m2 elements and UE4M3 scales are aligned at their format's emin
      // (fp4 and fp6 elements at their own exponents: tc::operand_emin).
      const double inflation =
          align_inflation(rc, p, i, j) * scale_inflation(spec, row_scales, col_scales);
      const BoundModel m = inflation == 1.0 ? bm : derive_bound(rc, p.k, false, 1.0, inflation);
      // A zero group under large scales (scale_group > 0): its alignment, grown like the rest.
      const double zero_groups = zero_group_error(
          p.a.format, spec.scale_format(), spec.block(), rc.shape.block, rc.shape.scale_group,
          rc.shape.frac_bits, row, cols.elements[static_cast<size_t>(j)], row_scales, col_scales);
      double bound = element_bound(m, bs.abs_sum, std::fabs(sum)) + zero_groups * (1 + m.phi);
      if (spec.tensor_scales) {
        const ExactReal scaled = mul(bs.exact, ts);  // exact: ts has at most 48 bits
        e.exact = scaled.unpacked();
        e.value = decode(Format::fp64, round_to(Format::fp64, *e.exact).bits);
        // fp32(scale_a scale_b) and fp32(alpha acc): two roundings to nearest, and fp32's
        // subnormal spacing once each.
        bound = bound * std::fabs(ts) * (1 + u) * (1 + u) + (2 * u + u * u) * std::fabs(e.value) +
                2 * f32.min_subnormal();
        if (std::fabs(ts) > f32.max_finite() || (ts != 0 && std::fabs(ts) < f32.min_normal()))
          e.domain = "the tensor scales' product lies outside fp32's normal range";
      } else {
        e.exact = bs.exact.unpacked();
        e.value = sum;
      }
      e.bound = bound;
      e.estimate = probabilistic_bound(m, bs.abs_sum, std::fabs(sum)) * std::fabs(ts);
      e.scale = bs.abs_sum * std::fabs(ts);
      // Scales reach 2^254 between them: the scaled products can leave the accumulator's range.
      if (bs.abs_sum * (1 + bm.phi) > acc.max_finite())
        e.domain = fmt::format("the scaled products' sum may overflow {}", name(rc.acc));
      else if (spec.tensor_scales && bs.abs_sum * (1 + bm.phi) * std::fabs(ts) > f32.max_finite())
        e.domain = "the scaled result may overflow fp32";
      out.push_back(e);
    }
  return out;
}

ElementInputs describe_scaled(const Spec& spec, const Problem& p, size_t element) {
  const int64_t i = p.n ? static_cast<int64_t>(element) / p.n : 0;
  const int64_t j = p.n ? static_cast<int64_t>(element) % p.n : 0;
  const int64_t kb = spec.blocks(p.k);
  ElementInputs in;
  in.where = fmt::format(" (row {}, col {})", i, j);
  std::string scales;
  for (int64_t b = 0; b < kb && b < 8; ++b)
    scales += fmt::format("{}{:g}*{:g}", b ? ", " : "", p.c.value(static_cast<size_t>(i * kb + b)),
                          p.d.value(static_cast<size_t>(b * p.n + j)));
  in.text = fmt::format("k = {} {} elements, block scales SA * SB per {}: {}{}", p.k,
                        name(p.a.format), spec.block(), scales, kb > 8 ? ", ..." : "");
  if (spec.tensor_scales && p.scalars.size() == 2)
    in.text += fmt::format("; tensor scales {:g} * {:g}", p.scalars[0], p.scalars[1]);
  in.complete = false;
  return in;
}

// gemm's range pattern with unit scales beside it: the cliffs are gemm's.
RangeSpec scaled_range(const Spec& spec) {
  RangeSpec s = reduction_range(kGemm);
  s.pattern = [inner = s.pattern, spec](Rng& r) {
    RangePattern pat = inner(r);
    const int64_t m = pat.shape.m, n = pat.shape.n, kb = spec.blocks(pat.shape.k);
    pat.draw(2, {m, kb}, r, [](Rng&) { return 1.0; });
    pat.draw(3, {kb, n}, r, [](Rng&) { return 1.0; });
    pat.scaled_desc += "; block scales SA and SB all 1";
    if (spec.tensor_scales) {
      pat.shape.scalars = {1.0, 1.0};
      pat.scaled_desc += ", tensor scales 1";
    }
    return pat;
  };
  return s;
}

OpSchema scaled_schema(const Spec& spec) {
  const std::string kb(name(spec.kb));
  const std::string per = std::to_string(spec.block());
  const std::string sf(name(spec.scale_format()));
  const std::string what =
      spec.tensor_scales ? "e2m1 elements, row-major" : "MX elements, row-major";
  OpSchema s{
      .dims = {{Dim::m, "rows of A"}, {Dim::n, "columns of B"}, {Dim::k, "the inner dimension"}},
      .operands = {{.slot = 'a', .name = "A", .shape = {Dim::m, Dim::k}, .meaning = what},
                   {.slot = 'b', .name = "B", .shape = {Dim::k, Dim::n}, .meaning = what},
                   {.slot = 'c',
                    .name = "SA",
                    .shape = {Dim::m, spec.kb},
                    .format = spec.scale,
                    .meaning = "A's " + sf + " scales, one per " + per +
                               " elements of a row (the last block may be short)"},
                   {.slot = 'd',
                    .name = "SB",
                    .shape = {spec.kb, Dim::n},
                    .format = spec.scale,
                    .meaning = "B's " + sf + " scales, one per " + per + " elements of a column"}},
      .out = {Dim::m, Dim::n},
      .out_meaning = "D, row-major"};
  if (spec.tensor_scales)
    s.scalars = {{.name = "scale_a",
                  .meaning = "A's fp32 tensor scale (its decode scale, amax / (6 * 448) as "
                             "quantizers set it)",
                  .fallback = [](const Problem&) { return 1.0; }},
                 {.name = "scale_b",
                  .meaning = "B's fp32 tensor scale",
                  .fallback = [](const Problem&) { return 1.0; }}};
  return s;
}

OpInfo scaled_op(const Spec& spec) {
  OpInfo op;
  op.schema = scaled_schema(spec);
  op.reduction_length = "k, the terms summed into each output";
  if (spec.tensor_scales) {
    op.name = "nvfp4_gemm";
    op.summary =
        "out = scale_a scale_b sum_l A[i,l] B[l,j] SA[i,l/16] SB[l/16,j]: a GEMM over NVFP4 "
        "tensors (e2m1, UE4M3 scales per 16, fp32 tensor scales), as given (fp32 out)";
    op.rank = 47;
    op.bound_formula =
        "the recipe's accumulation bound over the scaled products A B SA SB, times the tensor "
        "scales, plus the fp32 epilogue's two roundings (docs/error-models.md, \"NVFP4 GEMM over "
        "given tensors\")";
    op.generator_notes = {
        {"api_corners",
         "M, N or K = 0, K not a multiple of 16, NaN or inf in A or B (its block's scale "
         "becomes NaN), any UE4M3 byte as a scale (0, subnormals, 448, NaN), tensor scales "
         "2^-40 .. 2^40, a block of A all zero under the scales 448 * 448 (the others 2^-9)"},
        {"transformer",
         "activations with outlier channels x weights, quantized by NVFP4's rule (tensor scale "
         "amax / (6 * 448), block scales rounded to UE4M3)"}};
  } else {
    op.name = "scaled_gemm";
    op.summary =
        "out = sum_l A[i,l] B[l,j] SA[i,l/32] SB[l/32,j]: a GEMM over MX element tensors and "
        "their E8M0 block scales, as given (fp32 out)";
    op.rank = 46;
    op.bound_formula =
        "the recipe's accumulation bound over the scaled products A B SA SB (blocked / fused "
        "blocks as declared; docs/error-models.md, \"Block-scaled GEMM\")";
    op.generator_notes = {
        {"api_corners",
         "M, N or K = 0, K not a multiple of 32, NaN or inf in A or B (its block's scale becomes "
         "NaN), any E8M0 byte as a scale (2^-127, 2^127, NaN), a block of A all zero under the "
         "scale 2^24"},
        {"transformer",
         "activations with outlier channels x weights, quantized by OCP MX's rule: outliers set "
         "their block's scale"}};
  }
  op.make = [spec](const KernelDesc& k, Rng& r, std::string_view g) {
    return make_scaled(spec, k, r, g);
  };
  op.judge = [spec](const Recipe& rc, const Problem& p) { return judge_scaled(spec, rc, p); };
  op.describe = [spec](const Problem& p, size_t e) { return describe_scaled(spec, p, e); };
  op.range = scaled_range(spec);
  op.fuzz = {.family = "reduction", .layout = FuzzLayout::generated};
  op.recipe_use = {.accumulation = true, .orders = {}};
  return op;
}

NUMGUARD_REGISTER_OP(scaled_op(kMx));
NUMGUARD_REGISTER_OP(scaled_op(kNvfp4));

}  // namespace
}  // namespace numguard::ops
