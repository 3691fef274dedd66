// The matrix-unit model: one parametrized block-FMA model whose presets are data, one row per
// instruction (docs/REFERENCE.md "Tensor-core arithmetic"; Fasi, Higham, Mikaitis & Pranesh,
// PeerJ CS 2021; Li et al., FTTN, CCGrid 2024; Khattak & Mikaitis, "Accurate Models of NVIDIA
// Tensor Cores", 2025; Xie et al., MMA-Sim, 2025).
//
// The NVIDIA datapath (`fused`) computes one block D = C + sum_{i<L} a_i*b_i as follows:
//  1. the products a_i*b_i are exact;
//  2. each product is aligned at an exponent: the sum of its operands' exponents (a subnormal
//     operand counted at its format's emin; `operand_exponents`) or the exponent of the exact
//     product; C at its own exponent (at least the output format's emin); zero products and a
//     zero C at `zero_exponent` where the preset has one (a block shorter than L holds zero
//     products), else they take no part;
//  3. every term is truncated toward zero to F = frac_bits fraction bits below the largest
//     alignment exponent E, i.e. to a multiple of 2^(E - F);
//  4. the truncated terms are summed exactly and normalized once;
//  5. the sum is kept to `out_frac_bits` fraction bits toward zero where set (fp8 on Ada and
//     Hopper: 13), then rounded to the output format with final_rounding (RZ for fp32, RNE for
//     fp16); subnormal inputs and outputs are kept; a finite sum reaching 2^(emax+1) is inf.
// Longer vectors chain blocks through C. Specials follow IEEE: NaN if any input is NaN, a
// product is inf * 0 or infinite terms of both signs meet; otherwise an infinite term wins.
// An exact zero, and a sum that rounds to zero, is +0 (the published models and the H100
// measurement; `signed_zero` gives the IEEE sign instead). A NaN result is CUDA's canonical NaN
// (fp32 0x7fffffff, fp16 0x7fff) or, with `nan` = quiet, the format's default quiet NaN.
//
// AMD's datapaths (MMA-Sim's): `c_after` (CDNA3 f16/bf16/xf32: products fused at F with
// truncation, zeros taking no part, then C added after: with E the larger of the products'
// and C's exponents, the products' sum rounded down to 2^(E - c_after_bits) (31), C rounded
// down to 2^(E - F), their exact sum rounded once (RNE) to fp32; MMA-Sim's TR-FDPA),
// `exact` (CDNA1: the exact sum of the products and C, one RNE rounding), `ftz_pairs` (CDNA2
// f16/bf16: fp32 products and additions with subnormals flushed, c + ((p0 + p1) + (p2 + p3)) per
// group of L); and `fma_chain` (fp64 mma on NVIDIA and AMD, AMD fp32: sequential IEEE FMAs, RNE).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "harness/core/format.h"
#include "harness/core/rounding.h"

namespace numguard::tc {

// Block-scaled MMA (Blackwell kind::mxf8f6f4, kind::mxf4nvf4; MMA-Sim's ST- and GST-FDPA):
// `scaled` is the fused datapath with each product's exponent raised by its two block scales'
// (UE8M0: powers of two); `group_scaled` first sums `group` products exactly, then aligns each
// group sum at its scales' exponent sum (UE4M3 scales keep their significands in the group's
// term) with F = 35, a group of zero products (or a zero scale) at e_zero.
// `c_after_halves` (CDNA3 fp8): the products at even and at odd positions fused apart at F,
// each half's sum rounded down to F bits below the larger half's exponent, then C after as in
// `c_after` (C dropped when it lies more than 25 binades below).
enum class Datapath : uint8_t {
  fused,
  c_after,
  exact,
  ftz_pairs,
  fma_chain,
  scaled,
  group_scaled,
  c_after_halves
};
std::string_view name(Datapath d);

// The pattern of a NaN result: CUDA's canonical NaN (fp32 0x7fffffff, fp16 0x7fff; the
// published models and MMA-Sim's hardware tests) or the format's default quiet NaN (fp32
// 0x7fc00000, fp16 0x7e00: what IEEE arithmetic on a CPU returns for an invalid operation).
enum class NanResult : uint8_t { canonical, quiet };

struct TcModel {
  int block = 0;      // L: products per block (fused, c_after*, exact; ftz_pairs: the group)
  int frac_bits = 0;  // F: fraction bits kept below the block's largest alignment exponent
  Rounding final_rounding = Rounding::rz;
  // Align a product at the sum of its operands' exponents (subnormal operands at their
  // format's emin) rather than at its exact exponent.
  bool operand_exponents = false;
  int operand_emin = 0;    // emin of A's format (operand_exponents)
  int operand_emin_b = 0;  // emin of B's format; 0: as A's
  Datapath path = Datapath::fused;
  // The alignment exponent of a zero term (zero products, a zero C); nullopt: zeros take no
  // part. MMA-Sim's e_zero: -131 .. -133 for fp32 outputs, -20 .. -22 for fp16 ones.
  std::optional<int> zero_exponent;
  int out_frac_bits = 0;     // > 0: the result truncated to this many fraction bits first
  bool signed_zero = false;  // an exact zero keeps IEEE's sign (-0 only if every term is -0)
  int c_after_bits = 31;     // c_after: the products' sum kept to 2^(E - c_after_bits)
  // tf32 operands read by clearing the low 13 bits of their fp32 container, a NaN whose only
  // set fraction bits are there becoming inf (MMA-Sim's hardware test); false: NaN kept.
  bool tf32_nan_to_inf = true;
  NanResult nan = NanResult::canonical;
  int scale_block = 0;          // scaled, group_scaled: elements per scale (16 or 32)
  int group = 0;                // group_scaled: products summed exactly per group (16)
  Format scale = Format::e8m0;  // the scales' format (e8m0, or ue4m3 for NVFP4)
  // group_scaled: a group of zero products (nonzero scales) aligned at its scales' exponent
  // sum, as MMA-Sim's simulator/functions.py has it; false (the rows' default): at
  // zero_exponent, like any zero term (MMA-Sim's arithmetic/fdpa.py puts it at 2^-126). A
  // group whose nonzero products cancel is at its scales' exponents either way. Not probed.
  bool zero_group_at_scales = false;
};

// One instruction's model: the names PTX and the AMD ISA give it, the formats it takes and its
// source (docs/REFERENCE.md, "Presets per instruction").
struct Instruction {
  std::string_view arch;  // "volta" ... "blackwell", "rtx_blackwell", "cdna1" ... "cdna3"
  std::string_view name;  // e.g. "mma.m16n8k16.f32.bf16.bf16.f32", "mfma_f32_32x32x8_bf16"
  Format a, b, out;
  TcModel model;
  std::string_view source;
};

std::span<const Instruction> tc_instructions();
// The exponent at which the operand-exponent rule counts an operand of format f that lies
// below it: the format's emin, except fp4 and fp6 elements, which MMA-Sim decodes into
// float8_e4m3fn values before the datapath (so e2m1's 0.5 aligns at 2^-1, not at 2^0): -6,
// below every fp4 / fp6 value, which are then aligned at their own exponents.
int operand_emin(Format f);

// The row of `name` (on `arch` where given: CDNA1 and CDNA2 share mfma names).
const Instruction* find_instruction(std::string_view name, std::string_view arch = {});

// The architectures with presets, in the order of the table.
std::span<const std::string_view> tc_architectures();

// The model of `arch` for inputs `in` (A and B) and output `out`: the architecture's default
// instruction for that pairing (the first row of the table); nullopt when there is none.
std::optional<TcModel> find_preset(std::string_view arch, Format in, Format out);
std::optional<TcModel> find_preset(std::string_view arch, Format a, Format b, Format out);
const Instruction* find_default_instruction(std::string_view arch, Format a, Format b, Format out);
// As find_preset, throwing std::invalid_argument when there is none.
TcModel preset(std::string_view arch, Format in, Format out);

// The bits of a NaN result in `out` under m.nan.
uint64_t nan_result(const TcModel& m, Format out);

// One block on values: a and b hold the same number (at most model.block) of exactly
// decoded inputs, c is a value of `out`; returns D, a value of `out`.
double mma_block(const TcModel& model, std::span<const double> a, std::span<const double> b,
                 double c, Format out);

// A dot product of any length through chained blocks (a[0..L), then a[L..2L), ...). With
// no terms the result is c.
double mma_dot_values(const TcModel& model, std::span<const double> a, std::span<const double> b,
                      double c, Format out);

// The same on bit patterns: a and b of format `in` (or `in` and `in_b`), c and the result of
// format `out`; a NaN result is nan_result's pattern.
uint64_t mma_dot(const TcModel& model, Format in, std::span<const uint64_t> a,
                 std::span<const uint64_t> b, uint64_t c_bits, Format out);
uint64_t mma_dot(const TcModel& model, Format in, Format in_b, std::span<const uint64_t> a,
                 std::span<const uint64_t> b, uint64_t c_bits, Format out);

// Block-scaled: scale_a and scale_b hold one scale (bits of model.scale) per scale_block
// elements of a and b (ceil(n / scale_block) each); a NaN scale gives a NaN result.
uint64_t mma_scaled_dot(const TcModel& model, Format in, Format in_b, std::span<const uint64_t> a,
                        std::span<const uint64_t> b, std::span<const uint64_t> scale_a,
                        std::span<const uint64_t> scale_b, uint64_t c_bits, Format out);

}  // namespace numguard::tc
