// MPFR references for dot, sum and GEMM: every product is formed exactly (mpfr_mul at twice
// the input precision) and the terms are added by mpfr_sum at a precision that makes the sum
// exact, so the result is the exact real value, rounded once by round_to() into any format
// and mode. Precisions and conventions: docs/references.md.
//
// Special values follow MPFR, which follows IEEE 754-2019: NaN inputs and inf * 0 give NaN,
// +inf + -inf gives NaN. The sign of an exact zero is mpfr_sum's rule (all zero terms of one
// sign keep it; otherwise +0, or -0 when rounding toward -inf); no terms give +0.
// GEMM semantics are those of references/gemm_problem.h.
//
// This implementation shares no arithmetic with the fixed-point accumulator
// (references/exact_accumulator.h): inputs are decoded by the core's decode() and every
// special-value and zero-sign decision is MPFR's, so the two cross-check each other.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "harness/core/format.h"
#include "harness/core/rounding.h"
#include "references/gemm_problem.h"
#include "references/mpfr_value.h"

namespace numguard::mpfr_ref {

// Exact value into `out` (its precision is reset to hold the value exactly). `mode` only
// decides the sign of an exact zero.
void dot_value(Mpfr& out, Format in, std::span<const uint64_t> a, std::span<const uint64_t> b,
               Rounding mode = Rounding::rne);
void sum_value(Mpfr& out, Format in, std::span<const uint64_t> x, Rounding mode = Rounding::rne);

Unpacked dot_exact(Format in, std::span<const uint64_t> a, std::span<const uint64_t> b,
                   Rounding mode = Rounding::rne);
RoundResult dot(Format in, std::span<const uint64_t> a, std::span<const uint64_t> b, Format out,
                const RoundOptions& opt = {});
Unpacked sum_exact(Format in, std::span<const uint64_t> x, Rounding mode = Rounding::rne);
RoundResult sum(Format in, std::span<const uint64_t> x, Format out, const RoundOptions& opt = {});
// Row-major results; with Rounding::sr the elements draw from opt.rng in row-major order.
std::vector<Unpacked> gemm_exact(const GemmProblem& p, Rounding mode = Rounding::rne);
std::vector<RoundResult> gemm(const GemmProblem& p, Format out, const RoundOptions& opt = {});

}  // namespace numguard::mpfr_ref
