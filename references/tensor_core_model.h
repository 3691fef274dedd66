// The tensor-core block-FMA model: one parametrized model with per-architecture presets
// instead of one function per GPU (docs/REFERENCE.md "Tensor-core arithmetic"; Fasi, Higham,
// Mikaitis & Pranesh, PeerJ CS 2021; Li et al., FTTN, CCGrid 2024; Khattak & Mikaitis,
// "Accurate Models of NVIDIA Tensor Cores", 2025; Xie et al., MMA-Sim, 2025).
//
// One block computes D = C + sum_{i<b} a_i*b_i as follows:
//  1. the products a_i*b_i are exact;
//  2. the largest exponent E = floor(log2 |t|) among the nonzero products and C is found
//     (C takes part in the alignment);
//  3. every term (each product and C) is truncated toward zero to frac_bits fractional bits
//     below 2^E, i.e. to a multiple of 2^(E - frac_bits): relative to a leading 1, a term
//     2^-f is kept and 2^-(f+1) is dropped;
//  4. the truncated terms are summed exactly and the sum is normalized once;
//  5. the sum is rounded to the output format with final_rounding (RZ for an fp32 output,
//     RNE for an fp16 output); subnormal inputs and outputs are kept.
// K longer than the block chains blocks through C: C of block j+1 is the (rounded) D of
// block j. Specials follow IEEE: NaN if any input is NaN or a product is inf * 0 or infinite
// terms of both signs meet; otherwise an infinite term gives that infinity.
//
// Choices the sources leave open, made here and recorded in docs/kernels.md:
//  - E is the exponent of the exact (normalized) product, not the sum of the operand
//    exponents before the product's significand is normalized -- except where
//    operand_exponents is set (the hopper fp16, bf16 and tf32 presets, measured on an H100:
//    docs/GPU_RESULTS.md); the published models use the operand rule on every generation
//    (docs/REFERENCE.md, "Open points");
//  - a finite sum whose magnitude reaches 2^(emax+1) of the output becomes inf (as the wide
//    internal accumulator overflows on conversion), even under RZ;
//  - an exact zero sum is +0 unless every term is -0;
//  - tf32 operands are read with the low 13 bits of their fp32 container truncated, as
//    wgmma does (docs/REFERENCE.md, "Conversions").
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "harness/core/format.h"
#include "harness/core/rounding.h"

namespace numguard::tc {

struct TcModel {
  int block = 0;      // b: products fused per block
  int frac_bits = 0;  // f: fractional bits kept below the block's largest exponent
  Rounding final_rounding = Rounding::rz;
  // Measured on H100 mma.sync: alignment exponent of a product = sum of the operands' exponent
  // fields (subnormal -> operand_emin), C's = its exponent field; a zero result is +0.
  bool operand_exponents = false;
  int operand_emin = 0;
};

// The architectures with presets: "volta", "ampere", "ada", "hopper", "blackwell".
std::span<const std::string_view> tc_architectures();

// The model of `arch` for inputs `in` and output (accumulator) `out`, from docs/REFERENCE.md:
//   volta   fp16 b=4 f=23
//   ampere  fp16, bf16 b=8 f=24; tf32 b=4 f=24
//   ada     as ampere, and e4m3 / e5m2 b=16 f=13
//   hopper  fp16, bf16 b=16 f=25; tf32 b=8 f=25 (measured on an H100); e4m3 / e5m2
//           b=32 f=13
//   blackwell  as hopper (same row of the table; not checked on a device here)
// out is fp32 (final RZ) for every input, or fp16 (final RNE) for fp16 inputs.
// nullopt when the architecture or the format pair has no preset.
std::optional<TcModel> find_preset(std::string_view arch, Format in, Format out);
// As find_preset, throwing std::invalid_argument when there is none.
TcModel preset(std::string_view arch, Format in, Format out);

// One block on values: a and b hold the same number (at most model.block) of exactly
// decoded inputs, c is a value of `out`; returns D, a value of `out`.
double mma_block(const TcModel& model, std::span<const double> a, std::span<const double> b,
                 double c, Format out);

// A dot product of any length through chained blocks (a[0..b), then a[b..2b), ...). With
// no terms the result is c.
double mma_dot_values(const TcModel& model, std::span<const double> a, std::span<const double> b,
                      double c, Format out);

// The same on bit patterns: a and b of format `in`, c and the result of format `out`.
uint64_t mma_dot(const TcModel& model, Format in, std::span<const uint64_t> a,
                 std::span<const uint64_t> b, uint64_t c_bits, Format out);

}  // namespace numguard::tc
