// The semantics a kernel declares change the reference it is judged against (issue: plugin
// ABI v2), one claim per line, on hand-built cases:
// - gemm alpha_beta: blas skips a and b when alpha = 0 and c when beta = 0; arithmetic gives
//   0 * NaN = NaN;
// - daz: the reference reads subnormal inputs as zero, so a kernel that flushes them passes
//   when it declares so and fails when it does not;
// - empty_rows: a softmax row of only -inf is NaN by default (PyTorch), 0 when declared;
//   an attention row with no visible key is 0 by default, NaN when declared;
// - ftz per stage: each flushed stage charges the smallest normal of its format instead of
//   half a subnormal step (products n times, the accumulator per rounding, the output once);
// - input_cast with fused blocks: the bit-accurate model takes the cast operands (a tf32
//   tensor-core GEMM of fp32 inputs is judged against tf32 operands, not fp32 ones);
// - unsupported: a kernel that refuses a case gets the verdict unsupported, not kernel_error.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "harness/engine/bound.h"
#include "harness/engine/check_runner.h"
#include "harness/engine/op.h"
#include "harness/engine/registry.h"
#include "references/tensor_core_model.h"

namespace numguard {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Tensor tensor(Format f, std::vector<int64_t> shape, std::vector<double> values) {
  Tensor t(f, std::move(shape));
  for (size_t i = 0; i < values.size(); ++i) t.bits[i] = round_double(f, values[i]).bits;
  return t;
}

std::vector<OpElement> judge(std::string_view op, const Recipe& r, const Problem& p) {
  const OpInfo* info = find_op(op);
  EXPECT_NE(info, nullptr) << op;
  return info->judge(r, p);
}

// 1 x 1 x 2 gemm: a = [NaN, 1], b = [1, 1]^T, c = [NaN].
Problem gemm_with_nans(double alpha, double beta) {
  Problem p;
  p.m = 1, p.n = 1, p.k = 2;
  p.a = tensor(Format::fp32, {1, 2}, {kNaN, 1});
  p.b = tensor(Format::fp32, {2, 1}, {1, 1});
  p.c = tensor(Format::fp32, {1, 1}, {kNaN});
  p.alpha = alpha, p.beta = beta;
  return p;
}

TEST(DeclaredSemantics, BlasAlphaZeroDoesNotReadAOrB) {
  Recipe blas;
  EXPECT_EQ(judge("gemm", blas, gemm_with_nans(0, 0))[0].value, 0.0);
}

TEST(DeclaredSemantics, ArithmeticAlphaZeroTimesNaNIsNaN) {
  Recipe arith;
  arith.alpha_beta = AlphaBeta::arithmetic;
  EXPECT_TRUE(std::isnan(judge("gemm", arith, gemm_with_nans(0, 0))[0].value));
}

TEST(DeclaredSemantics, BlasBetaZeroDoesNotReadC) {
  Problem p = gemm_with_nans(1, 0);
  p.a = tensor(Format::fp32, {1, 2}, {2, 1});
  EXPECT_EQ(judge("gemm", Recipe{}, p)[0].value, 3.0);
}

TEST(DeclaredSemantics, ArithmeticBetaZeroTimesNaNIsNaN) {
  Problem p = gemm_with_nans(1, 0);
  p.a = tensor(Format::fp32, {1, 2}, {2, 1});
  Recipe arith;
  arith.alpha_beta = AlphaBeta::arithmetic;
  EXPECT_TRUE(std::isnan(judge("gemm", arith, p)[0].value));
}

// A dot kernel that flushes subnormal fp16 inputs: exact products, fp32 accumulation.
KernelDesc flushing_dot(bool declares_daz) {
  KernelDesc k;
  k.name = "dot.fp16.fp32acc.flushes";
  k.op = "dot";
  k.recipe.in = Format::fp16;
  k.recipe.daz = declares_daz;
  k.run = [](const Problem& p, Tensor& out) {
    float acc = 0;
    for (int64_t i = 0; i < p.k; ++i)
      acc = std::fma(static_cast<float>(p.a.value(static_cast<size_t>(i), true)),
                     static_cast<float>(p.b.value(static_cast<size_t>(i), true)), acc);
    out.bits[0] = round_double(Format::fp32, acc).bits;
  };
  return k;
}

Problem dot_with_subnormal() {
  Problem p;
  p.m = 1, p.n = 1, p.k = 2;
  const double subnormal = std::ldexp(1.0, -20);  // fp16's subnormals lie below 2^-14
  p.a = tensor(Format::fp16, {1, 2}, {subnormal, 1});
  p.b = tensor(Format::fp16, {2, 1}, {1024, 1});
  return p;
}

TEST(DeclaredSemantics, DazDeclaredJudgesTheFlushedInputs) {
  EXPECT_EQ(evaluate_case(flushing_dot(true), dot_with_subnormal()).verdict, Verdict::within_bound);
}

TEST(DeclaredSemantics, DazUndeclaredFlushFails) {
  EXPECT_EQ(evaluate_case(flushing_dot(false), dot_with_subnormal()).verdict,
            Verdict::bound_violation);
}

Problem softmax_row_of_minus_inf() {
  Problem p;
  p.m = 1, p.n = 3;
  p.a = tensor(Format::fp32, {1, 3}, {-kInf, -kInf, -kInf});
  return p;
}

TEST(DeclaredSemantics, SoftmaxEmptyRowIsNaNByDefault) {
  for (const OpElement& e : judge("softmax", Recipe{}, softmax_row_of_minus_inf()))
    EXPECT_TRUE(std::isnan(e.value));
}

TEST(DeclaredSemantics, SoftmaxEmptyRowIsZeroWhenDeclared) {
  Recipe zero;
  zero.empty_rows = EmptyRows::zero;
  for (const OpElement& e : judge("softmax", zero, softmax_row_of_minus_inf())) {
    EXPECT_EQ(e.value, 0.0);
    EXPECT_EQ(e.bound, 0.0);
  }
}

// One query row (k = 2) over two keys, none visible.
Problem attention_fully_masked() {
  Problem p;
  p.m = 1, p.n = 2, p.k = 2;
  p.a = tensor(Format::fp32, {1, 2}, {1, 2});
  p.b = tensor(Format::fp32, {2, 2}, {1, 0, 0, 1});
  p.c = tensor(Format::fp32, {2, 2}, {3, 4, 5, 6});
  p.lengths = {0};
  p.scalars = {1.0};
  return p;
}

TEST(DeclaredSemantics, AttentionMaskedRowIsZeroByDefault) {
  for (const OpElement& e : judge("attention", Recipe{}, attention_fully_masked()))
    EXPECT_EQ(e.value, 0.0);
}

TEST(DeclaredSemantics, AttentionMaskedRowIsNaNWhenDeclared) {
  Recipe nan;
  nan.empty_rows = EmptyRows::nan;
  for (const OpElement& e : judge("attention", nan, attention_fully_masked()))
    EXPECT_TRUE(std::isnan(e.value));
}

Recipe flushing(Flush f) {
  Recipe r;
  r.in = Format::fp16;
  r.out = Format::fp16;
  r.ftz = f;
  return r;
}

TEST(DeclaredSemantics, FlushedProductsChargeTheSmallestNormalPerTerm) {
  const double n = 100, min_normal = desc(Format::fp32).min_normal();
  EXPECT_GE(derive_bound(flushing(Flush{.products = true}), 100, false).abs_acc, n * min_normal);
}

TEST(DeclaredSemantics, FlushedAccumulatorChargesTheSmallestNormalPerRounding) {
  const double n = 100, min_normal = desc(Format::fp32).min_normal();
  EXPECT_GE(derive_bound(flushing(Flush{.acc = true}), 100, false).abs_acc, n * min_normal);
  EXPECT_LT(derive_bound(flushing(Flush{}), 100, false).abs_acc, n * min_normal);
}

TEST(DeclaredSemantics, FlushedOutputChargesTheOutputsSmallestNormal) {
  EXPECT_EQ(derive_bound(flushing(Flush{.out = true}), 100, false).eta_out,
            desc(Format::fp16).min_normal());
  EXPECT_EQ(derive_bound(flushing(Flush{}), 100, false).eta_out,
            desc(Format::fp16).min_subnormal() / 2);
}

// An fp32 dot whose operands a tensor core reads as tf32 (RNA), fused in blocks of 4 with 24
// fraction bits and RZ: what the model computes on the cast operands.
KernelDesc tf32_tensor_core_dot() {
  KernelDesc k;
  k.name = "dot.fp32.fp32acc.tf32_tc";
  k.op = "dot";
  k.recipe.in = Format::fp32;
  k.recipe.input_cast = Format::tf32;
  k.recipe.input_cast_rounding = Rounding::rna;
  k.recipe.acc_rounding = Rounding::rz;
  k.recipe.shape = {.order = Order::fused_block, .block = 4, .frac_bits = 24};
  k.run = [](const Problem& p, Tensor& out) {
    std::vector<uint64_t> a, b;
    for (size_t i = 0; i < static_cast<size_t>(p.k); ++i) {
      a.push_back(convert(Format::fp32, p.a.bits[i], Format::tf32, {.mode = Rounding::rna}).bits);
      b.push_back(convert(Format::fp32, p.b.bits[i], Format::tf32, {.mode = Rounding::rna}).bits);
    }
    const tc::TcModel m{.block = 4,
                        .frac_bits = 24,
                        .final_rounding = Rounding::rz,
                        .operand_emin = desc(Format::tf32).emin()};
    out.bits[0] = tc::mma_dot(m, Format::tf32, a, b, 0, Format::fp32);
  };
  return k;
}

TEST(DeclaredSemantics, FusedBlocksModelTheCastOperands) {
  Problem p;
  p.m = 1, p.n = 1, p.k = 9;
  // Values with bits below tf32's 10 fraction bits, so the cast matters.
  std::vector<double> x, y;
  for (int i = 0; i < 9; ++i) {
    x.push_back(1 + std::ldexp(1.0 + i, -12) + std::ldexp(1.0, -20));
    y.push_back(0.75 - std::ldexp(3.0 + i, -13));
  }
  p.a = tensor(Format::fp32, {1, 9}, x);
  p.b = tensor(Format::fp32, {9, 1}, y);
  EXPECT_EQ(evaluate_case(tf32_tensor_core_dot(), p).verdict, Verdict::within_bound);
}

TEST(DeclaredSemantics, RefusedCaseIsUnsupportedNotAnError) {
  KernelDesc k = flushing_dot(true);
  k.run = [](const Problem&, Tensor&) { throw KernelUnsupported("k = 2 is not supported"); };
  try {
    evaluate_case(k, dot_with_subnormal());
    ADD_FAILURE() << "a refusing kernel must not produce an outcome";
  } catch (const std::exception& e) {
    EXPECT_EQ(verdict_of(e), Verdict::unsupported);
  }
}

TEST(DeclaredSemantics, ThrowingKernelIsAKernelError) {
  KernelDesc k = flushing_dot(true);
  k.run = [](const Problem&, Tensor&) { throw std::runtime_error("device lost"); };
  try {
    evaluate_case(k, dot_with_subnormal());
    ADD_FAILURE() << "a throwing kernel must not produce an outcome";
  } catch (const std::exception& e) {
    EXPECT_EQ(verdict_of(e), Verdict::kernel_error);
  }
}

}  // namespace
}  // namespace numguard
