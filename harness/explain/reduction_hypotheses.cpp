// The reduction family's hypotheses (dot, sum, sumsq, gemm): the declared recipe
// (reduction_model.h) varied one way at a time: subnormal handling (FTZ of the products or the
// accumulator), the accumulator's format and rounding, the output rounding, the input
// conversion, the summation structure (a search over orders and their parameters, fused blocks
// included), dropped tail tiles, index bugs, split-K partial formats and alpha/beta semantics.
#include <bit>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "harness/engine/case_shapes.h"
#include "harness/explain/hypothesis.h"
#include "harness/explain/reduction_model.h"

namespace numguard::explain {
namespace {

Model model(std::string op, ReductionVariant v) {
  return [op = std::move(op), v = std::move(v)](const Problem& p, Tensor& out) {
    emulate_reduction(op, v, p, out);
  };
}

bool narrower(Format f, Format than) {
  return desc(f).precision < desc(than).precision;
}

bool fused(const Accumulation& s) {
  return s.order == Order::fused_block || (s.order == Order::split_k && s.frac_bits > 0);
}

std::string order_text(const Accumulation& s) {
  switch (s.order) {
    case Order::blocked:
      return fmt::format("blocked({})", s.block);
    case Order::strided:
      return fmt::format("strided({})", s.lanes);
    case Order::split_k:
      return fmt::format("split_k({})", s.splits);
    case Order::tree:
      return fmt::format("tree({})", s.fanin);
    case Order::fused_block:
      return fmt::format("fused_block({},{}{})", s.block, s.frac_bits,
                         s.operand_exponents ? ",operand_exponents" : "");
    default:
      return std::string(name(s.order));
  }
}

// The summation structures searched: every order with the parameters kernels use.
std::vector<Accumulation> order_search(const Recipe& r, std::string_view op) {
  std::vector<Accumulation> v = {
      {.order = Order::sequential}, {.order = Order::pairwise}, {.order = Order::compensated}};
  for (int b : {8, 16, 32, 64, 128, 256}) v.push_back({.order = Order::blocked, .block = b});
  for (int l : {4, 8, 16, 32, 64, 128, 256}) v.push_back({.order = Order::strided, .lanes = l});
  for (int s : {2, 3, 4, 8, 16})
    v.push_back({.order = Order::split_k, .splits = s, .partial = r.acc});
  const Format in = r.input_cast.value_or(r.in);
  const bool matrix_unit_input = desc(in).precision <= 11 || in == Format::bf16;
  if (op != "sum" && op != "sumsq" && r.acc == Format::fp32 &&
      (matrix_unit_input || fused(r.shape)))
    for (int b : {4, 8, 16, 32})
      for (int f : {13, 23, 24, 25})
        for (bool operand : {false, true})
          v.push_back({.order = Order::fused_block,
                       .block = b,
                       .frac_bits = f,
                       .operand_exponents = operand});
  return v;
}

// Whether one of the run's shapes has a partial tile of `tile` in dimension d.
bool has_tail(Dim d, int64_t tile) {
  const OpInfo* gemm = find_op("gemm");
  for (const std::string& text : case_shapes("gemm")) {
    ShapeRequest req;
    if (!gemm || !parse_shape(*gemm, text, &req).empty()) continue;
    const std::optional<int64_t> v = d == Dim::m ? req.m : req.n;
    if (v && *v > tile && *v % tile != 0) return true;
  }
  return false;
}

bool same_order(const Accumulation& a, const Accumulation& b) {
  return order_text(a) == order_text(b);
}

void variants(std::string_view op, const Recipe& r, std::vector<Hypothesis>& out) {
  const std::string o(op);
  const auto add = [&](std::string tag, std::string what, ReductionVariant v) {
    if (reduction_emulable(op, v.r))
      out.push_back({std::move(tag), std::move(what), model(o, std::move(v))});
  };
  const auto with = [&](auto change) {
    ReductionVariant v{.r = r};
    change(v.r);
    return v;
  };
  // Subnormal handling (DAZ and FTZ of the output are generic: catalogue.cpp).
  if (!r.ftz.products && !fused(r.shape) && op != "sum")
    add("ftz=products",
        fmt::format("products below {}'s smallest normal flushed to zero before they are summed",
                    name(r.acc)),
        with([](Recipe& x) { x.ftz.products = true; }));
  if (!r.ftz.acc && !fused(r.shape))
    add("ftz=acc", "subnormal accumulator values flushed to zero after every addition",
        with([](Recipe& x) { x.ftz.acc = true; }));
  // The accumulator: narrower, rounded otherwise.
  if (!fused(r.shape)) {
    for (Format f : {Format::tf32, Format::bf16, Format::fp16})
      if (narrower(f, r.acc))
        add(fmt::format("acc_format={}", name(f)),
            fmt::format("the accumulator is {} where the recipe declares {}", name(f), name(r.acc)),
            with([f](Recipe& x) { x.acc = f; }));
    if (r.acc == Format::fp32 && r.acc_rounding == Rounding::rne && !r.ftz.acc)
      for (int f : {22, 21, 20, 16})
        add(fmt::format("acc_frac_bits={}", f),
            fmt::format("the accumulator keeps {} fraction bits (fp32 keeps 23)", f),
            ReductionVariant{.r = r, .acc_frac_bits = f});
    for (Rounding m : {Rounding::rz, Rounding::rd, Rounding::ru, Rounding::rna})
      if (m != r.acc_rounding)
        add(fmt::format("acc_rounding={}", name(m)),
            fmt::format("every accumulator operation rounds {} (declared: {})", name(m),
                        name(r.acc_rounding)),
            with([m](Recipe& x) { x.acc_rounding = m; }));
  }
  // Products stored in a format before they are summed (no FMA: CUDA cores with -fmad=false,
  // a tensor of products written out).
  if (!r.product && !fused(r.shape) && op != "sum")
    for (Format f : {Format::fp32, Format::tf32, Format::bf16, Format::fp16})
      if (!narrower(r.acc, f))
        add(fmt::format("product_format={}", name(f)),
            fmt::format("each product rounded to {} before it is summed (no fused multiply-add)",
                        name(f)),
            with([f](Recipe& x) { x.product = f; }));
  // The output stored in a narrower format on its way out (a bf16 workspace, an fp16 epilogue).
  for (Format f : {Format::bf16, Format::fp16})
    if (narrower(f, r.out) && narrower(f, r.acc))
      add(fmt::format("output_double_rounding={}", name(f)),
          fmt::format("the result rounded to {} and then to {} (two roundings)", name(f),
                      name(r.out)),
          ReductionVariant{.r = r, .out_through = f});
  // The output conversion, where it rounds.
  if (narrower(r.out, r.acc))
    for (Rounding m : {Rounding::rz, Rounding::rd, Rounding::ru, Rounding::rna})
      if (m != r.out_rounding)
        add(fmt::format("out_rounding={}", name(m)),
            fmt::format("the output conversion to {} rounds {} where the recipe declares {}",
                        name(r.out), name(m), name(r.out_rounding)),
            with([m](Recipe& x) { x.out_rounding = m; }));
  // The input conversion: a cast nobody declared (TF32 mode, a bf16 compute type: a search
  // over the conversion's rounding), or the declared cast rounding otherwise.
  if (!r.input_cast) {
    for (Format f : {Format::tf32, Format::bf16, Format::fp16})
      if (narrower(f, r.in))
        for (Rounding m : {Rounding::rne, Rounding::rna, Rounding::rz})
          add(fmt::format("input_cast={}", name(f)),
              fmt::format("inputs rounded to {} ({}) before use", name(f), name(m)),
              with([f, m](Recipe& x) {
                x.input_cast = f;
                x.input_cast_rounding = m;
              }));
  } else {
    for (Rounding m : {Rounding::rne, Rounding::rna, Rounding::rz})
      if (m != r.input_cast_rounding)
        add(fmt::format("input_cast_rounding={}", name(m)),
            fmt::format("inputs converted to {} with {} (declared: {})", name(*r.input_cast),
                        name(m), name(r.input_cast_rounding)),
            with([m](Recipe& x) { x.input_cast_rounding = m; }));
  }
  // Summation structure.
  for (const Accumulation& s : order_search(r, op))
    if (!same_order(s, r.shape) &&
        !(fused(s) && fused(r.shape) && s.block == r.shape.block &&
          s.operand_exponents == r.shape.operand_exponents)) {  // frac_bits=F below says those
      const ReductionVariant v = with([&s](Recipe& x) { x.shape = s; });
      add(fmt::format("order={}", order_text(s)),
          fmt::format("summed in the order {} (declared: {})", order_text(s), order_text(r.shape)),
          v);
      if (!out.empty() && out.back().tag.starts_with("order=")) out.back().structure = v.r;
    }
  if (fused(r.shape))
    for (int d : {-1, -2, -3, 1}) {
      ReductionVariant v{.r = r};
      v.r.shape.frac_bits = r.shape.frac_bits + d;
      add(fmt::format("frac_bits={}", v.r.shape.frac_bits),
          fmt::format("the fused block keeps {} fraction bits below its largest exponent where "
                      "the recipe declares {}",
                      v.r.shape.frac_bits, r.shape.frac_bits),
          v);
    }
  // Indexing bugs at tile boundaries.
  for (int64_t tile : {8, 16, 32, 64, 128, 256})
    add(fmt::format("k_tail_dropped={}", tile),
        fmt::format("the last K mod {} terms are never summed (no residue tile)", tile),
        ReductionVariant{.r = r, .tile = tile});
  for (int64_t tile : {8, 16, 32, 64, 128, 256})
    add(fmt::format("k_tail_duplicated={}", tile),
        fmt::format("the last K mod {} terms are summed twice (the residue tile loaded twice)",
                    tile),
        ReductionVariant{.r = r, .duplicate_tile = tile});
  // M and N tails left unwritten (the output's zeros stay): testable only where the run's
  // shapes (--shape) have a tail, the generators' own gemm shapes being at most 6 x 6.
  if (op == "gemm")
    for (Dim d : {Dim::m, Dim::n})
      for (int64_t tile : {8, 16, 32, 64, 128, 256}) {
        if (!has_tail(d, tile)) continue;
        const Model declared = model(o, ReductionVariant{.r = r});
        out.push_back({fmt::format("{}_tail_dropped={}", name(d), tile),
                       fmt::format("output {} past the last full {}-wide tile are never written",
                                   d == Dim::m ? "rows" : "columns", tile),
                       [declared, d, tile](const Problem& p, Tensor& y) {
                         declared(p, y);
                         const int64_t kept = (d == Dim::m ? p.m : p.n) / tile * tile;
                         for (int64_t i = 0; i < p.m; ++i)
                           for (int64_t j = 0; j < p.n; ++j)
                             if ((d == Dim::m ? i : j) >= kept)
                               y.bits[static_cast<size_t>(i * p.n + j)] = 0;
                       }});
      }
  if (r.shape.order == Order::pairwise)
    add("pairwise_leaf_index", "the pairwise tree's three-term leaf sums x0 + (x0 + x1)",
        ReductionVariant{.r = r, .pairwise_leaf_bug = true});
  if (r.shape.order == Order::strided && r.shape.lanes >= 4 &&
      std::has_single_bit(static_cast<unsigned>(r.shape.lanes)))
    add("butterfly_repeated_offset",
        fmt::format("the lanes' butterfly repeats its offset 2 instead of ending at 1 ({}, ..., "
                    "2, 2): odd lanes dropped, even lanes counted twice",
                    r.shape.lanes / 2),
        ReductionVariant{.r = r, .repeated_offset = true});
  if (r.shape.order == Order::split_k)
    for (Format f : {Format::fp16, Format::bf16})
      if (narrower(f, r.shape.partial)) {
        ReductionVariant v{.r = r};
        v.r.shape.partial = f;
        add(fmt::format("split_k_partial={}", name(f)),
            fmt::format("split-K partials stored in {} (summed in {})", name(f), name(r.acc)), v);
        v.split_reduce = f;
        add(fmt::format("split_k_reduce={}", name(f)),
            fmt::format("split-K partials stored in {} and summed in {}", name(f), name(f)), v);
      }
  // alpha / beta semantics (gemm).
  if (op == "gemm")
    add("alpha_to_inputs",
        fmt::format("alpha multiplied into A's elements ({}) before the products instead of into "
                    "the sum",
                    name(r.acc)),
        ReductionVariant{.r = r, .alpha_to_inputs = true});
  if (op == "gemm")
    add(r.alpha_beta == AlphaBeta::blas ? "alpha_beta=arithmetic" : "alpha_beta=blas",
        r.alpha_beta == AlphaBeta::blas
            ? "alpha * (a b) + beta * c computed as written: alpha = 0 still reads a and b, beta "
              "= 0 still reads c (0 * NaN = NaN)"
            : "BLAS semantics: alpha = 0 skips a and b, beta = 0 skips c",
        with([](Recipe& x) {
          x.alpha_beta = x.alpha_beta == AlphaBeta::blas ? AlphaBeta::arithmetic : AlphaBeta::blas;
        }));
  // One of BLAS's two branches missing (the other kept).
  if (op == "gemm" && r.alpha_beta == AlphaBeta::blas) {
    add("beta0_reads_c",
        "beta = 0 still reads C (alpha ab + 0 * c): NaN or inf in C reaches the output",
        ReductionVariant{.r = r, .c_at_beta0 = true});
    add("alpha0_reads_ab",
        "alpha = 0 still computes a b (0 * acc): NaN or inf in A or B reaches the output",
        ReductionVariant{.r = r, .ab_at_alpha0 = true});
    add("unit_scalars_drop_c",
        "alpha = beta = 1 taken as accumulate-in-place into D (D assumed to alias C): C dropped, "
        "y = a b",
        ReductionVariant{.r = r, .c_dropped_at_unit_scalars = true});
  }
}

}  // namespace

std::vector<Family> reduction_families() {
  return {{.name = "reduction",
           .ops = {"dot", "sum", "sumsq", "gemm"},
           .declared = [](std::string_view op, const Recipe& r) -> Model {
             if (!reduction_emulable(op, r)) return {};
             return model(std::string(op), ReductionVariant{.r = r});
           },
           .variants = variants}};
}

}  // namespace numguard::explain
