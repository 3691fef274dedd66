// The judgement of a reduction-family case (dot, sum, sumsq, gemm): every output element
// against the exact fixed-point reference, with the bound derived from the recipe
// (harness/engine/bound.h), the domain the recipe promises and, for bit-accurate recipes, the
// tensor-core model's bits.
#pragma once

#include <string>
#include <vector>

#include "harness/engine/op.h"
#include "harness/engine/ops/reduction_cases.h"

namespace numguard::ops {

std::vector<OpElement> judge_reduction(const ReductionForm& f, const Recipe& r, const Problem& p);

// Operand-exponent alignment reads a subnormal operand at the input's emin: how much higher
// than its size a product of row i of A and column j of B (gemm's layout) is aligned (>= 1).
double align_inflation(const Recipe& r, const Problem& p, int64_t i, int64_t j);

// Why a whole case lies outside the recipe's promised input domain, or "" when it lies inside.
std::string reduction_case_domain(const Recipe& r, const Problem& p);

// The terms of element i: a[row, j] (and b[j, col]) for every j, then c -- all of them when
// they are few, else the first ones.
ElementInputs describe_reduction(const Problem& p, size_t element);

}  // namespace numguard::ops
