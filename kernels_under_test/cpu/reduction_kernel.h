// What every CPU kernel of the reduction family (dot, sum, gemm) shares: decoding the inputs
// once, walking the output elements, the gemm epilogue, the output conversion, and declaring
// one algorithm's kernels over the formats. An algorithm only says how it reduces the terms
// of one output element.
//
// An algorithm is a type with
//   static constexpr std::string_view name;        // the last part of the kernel name
//   static constexpr bool fuses_products;          // products enter additions unrounded (FMA)
//   Accumulation shape() const;                    // declared in the recipe
//   template <class R, bool P> double operator()(const R& round, const Terms<P>& t) const;
// returning the reduction of t[0..k) in the accumulation format that `round` rounds to.
//
// Semantics shared by every kernel (docs/kernels.md):
// - out has shape {m, n}; dot has m = n = 1; sum reduces each row of a (m x k) and has n = 1.
// - Epilogue: y = alpha*acc + beta*c in the accumulation format, each operation rounded to
//   nearest even, alpha and beta first rounded to the accumulation format (BLAS scalars are
//   passed in the compute type) and c rounded into it. As in reference BLAS, alpha == 0 drops
//   the a*b term (a and b are not read) and beta == 0 drops the c term (c is not read), so
//   alpha == 1 and beta == 0 (the default) performs no epilogue operation: y = acc.
// - y is then converted to the output format with the recipe's output rounding.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/kernel.h"
#include "harness/core/output_sample.h"
#include "kernels_under_test/cpu/acc_arithmetic.h"

namespace numguard::kernels {

// The terms of one output element, exact in double: x_i = a[i] * b[i] for dot and gemm
// (products of fp32 or narrower values are exact in double), x_i = a[i] for sum.
template <bool Products>
struct Terms {
  const double* a = nullptr;
  const double* b = nullptr;  // nullptr for sums
  int64_t k = 0;
  bool all_fp32 = false;  // every term is an fp32 value (sums; products of fp16 or fp8 values)
  // Products below this magnitude read as a zero of their sign (FTZ of the products, a model
  // `numguard explain` tests); 0 for every kernel.
  double flush_below = 0;
  // Each product rounded by this before it is summed (no FMA: a product format, another model
  // explain tests); nullptr for every kernel.
  double (*round_product)(double) = nullptr;

  double operator[](int64_t i) const {
    if constexpr (Products) {
      double v = a[i] * b[i];
      if (round_product) v = round_product(v);
      return std::fabs(v) < flush_below ? std::copysign(0.0, v) : v;
    } else {
      return a[i];
    }
  }
  Terms sub(int64_t lo, int64_t n) const {
    return {a + lo, Products ? b + lo : nullptr, n, all_fp32, flush_below, round_product};
  }
};

// All elements of t decoded exactly (lookup tables for the 8- and 16-bit formats).
std::vector<double> decode_all(const Tensor& t);

// How a kernel really computes, which for a mutant differs from the recipe it declares.
struct Arithmetic {
  bool sum = false;  // op "sum": terms are a's elements, b is not read
  Format in = Format::fp32;
  Format acc = Format::fp32;
  Format out = Format::fp32;
  Rounding out_rounding = Rounding::rne;
  // Converts the epilogue's value (a value of `acc`) to the bits of `out`.
  uint64_t (*convert)(double y, Format out, Rounding mode) = nullptr;  // nullptr: round_double
  // Epilogue bugs (BLAS says alpha == 0 reads neither a nor b, beta == 0 does not read c):
  // alpha * (a b) computed even when alpha == 0 (0 * NaN = NaN), and beta * c added even when
  // beta == 0 when c is given. False for every correct kernel.
  bool ab_at_alpha0 = false;
  bool c_at_beta0 = false;
  // A fast path for alpha == beta == 1 that accumulates into D in place, assuming D aliases C:
  // with C and D separate, C is dropped (y = a b). False for every correct kernel.
  bool c_dropped_at_unit_scalars = false;
};

// The beta a kernel with `arith` really applies to p (0 where its unit-scalar path drops C).
inline double applied_beta(const Arithmetic& arith, const Problem& p) {
  return arith.c_dropped_at_unit_scalars && p.alpha == 1 && p.beta == 1 ? 0.0 : p.beta;
}

// The operands of one problem, decoded, with b transposed so that every output element reads
// two contiguous rows. Throws std::invalid_argument on shapes or formats that do not fit.
struct Operands {
  int64_t m = 0, n = 0, k = 0;
  std::vector<double> a;   // m x k
  std::vector<double> bt;  // n x k, empty for sums
  std::vector<double> c;   // m x n, empty when beta == 0
};
Operands decode_operands(const Problem& p, const Arithmetic& arith);

uint64_t round_output(double y, Format out, Rounding mode);

// True when every product of two `in` values is exact in `acc` (precision and range).
bool product_exact_in(Format in, Format acc);

// ab_always / c_always: the epilogue bugs of Arithmetic (the term is computed although its
// scalar is zero).
template <class R>
double epilogue(const R& round, double alpha, double beta, double acc, double c,
                bool ab_always = false, bool c_always = false) {
  const bool has_ab = alpha != 0 || ab_always, has_c = beta != 0 || c_always;
  if (alpha == 1 && !has_c) return acc;
  if (!has_ab && !has_c) return 0.0;
  const double ab = has_ab ? mul(round, round(alpha), acc) : 0.0;
  const double bc = has_c ? mul(round, round(beta), round(c)) : 0.0;
  if (!has_c) return ab;
  if (!has_ab) return bc;
  return add(round, ab, bc);
}

// Runs `algo` over every output element of p with the arithmetic `arith` (only the sampled
// ones while numguard verifies a sample: harness/core/output_sample.h).
template <class Algo>
void run_reduction(const Algo& algo, const Arithmetic& arith, const Problem& p, Tensor& out) {
  const OutputSample* sample = current_output_sample();
  const Operands ops = decode_operands(p, arith);
  out = Tensor(arith.out, {ops.m, ops.n});
  const auto convert = arith.convert ? arith.convert : round_output;
  const bool all_fp32 =
      arith.sum ? arith.in != Format::fp64 : product_exact_in(arith.in, Format::fp32);
  const double beta = applied_beta(arith, p);
  with_acc_rounding(arith.acc, [&](const auto& round) {
    for (int64_t i = 0; i < ops.m; ++i) {
      for (int64_t j = 0; j < ops.n; ++j) {
        if (sample && !sample->wanted(static_cast<size_t>(i * ops.n + j))) continue;
        const double* row = ops.a.data() + i * ops.k;
        double acc = 0.0;
        if (p.alpha != 0 || arith.ab_at_alpha0) {
          acc = arith.sum
                    ? algo(round, Terms<false>{row, nullptr, ops.k, all_fp32})
                    : algo(round, Terms<true>{row, ops.bt.data() + j * ops.k, ops.k, all_fp32});
        }
        const double c = ops.c.empty() ? 0.0 : ops.c[static_cast<size_t>(i * ops.n + j)];
        const double y = epilogue(round, p.alpha, beta, acc, c, arith.ab_at_alpha0,
                                  arith.c_at_beta0 && !ops.c.empty());
        out.bits[static_cast<size_t>(i * ops.n + j)] = convert(y, arith.out, arith.out_rounding);
      }
    }
  });
}

// "<op>.<in>.<acc>acc.<algorithm>", e.g. "gemm.bf16.fp32acc.blocked32".
std::string kernel_name(std::string_view op, Format in, Format acc, std::string_view algorithm);

// The recipe of a reduction kernel: products are declared exact when the algorithm fuses
// them into additions or when they are exact in the accumulation format, and rounded to the
// accumulation format otherwise (e.g. pairwise leaves of fp32 products).
Recipe reduction_recipe(std::string_view op, Format in, Format acc, const Accumulation& shape,
                        bool fuses_products, Format out, Rounding out_rounding = Rounding::rne);

// A CPU kernel's descriptor (the mutant and twin fields left empty).
KernelDesc cpu_kernel(std::string name, std::string_view op, Recipe recipe, KernelFn run);
void register_kernel(KernelDesc d);

// Registers `<op>.<in>.<acc>acc.<Algo::name>` whose output format is the accumulation format.
template <class Algo>
void register_reduction(std::string_view op, Format in, Format acc, const Algo& algo = {}) {
  const Arithmetic arith{.sum = op == "sum", .in = in, .acc = acc, .out = acc};
  register_kernel(cpu_kernel(
      kernel_name(op, in, acc, Algo::name), op,
      reduction_recipe(op, in, acc, algo.shape(), Algo::fuses_products, acc),
      [algo, arith](const Problem& p, Tensor& out) { run_reduction(algo, arith, p, out); }));
}

}  // namespace numguard::kernels
