// What the row ops (softmax, log_softmax, cross_entropy, the norms) share: a is m rows of n
// values, and a case is judged element by element from per-row references and bounds.
#pragma once

#include <string>
#include <vector>

#include "harness/core/kernel.h"
#include "harness/engine/op.h"
#include "harness/engine/running_error.h"

namespace numguard::ops {

// Row r of t (m x n) decoded exactly.
std::vector<double> row_values(const Tensor& t, int64_t n, int64_t r);

// Why a case lies outside the recipe's declared input domain (max |x|, finite inputs), or "".
std::string declared_domain_reason(const Recipe& rc, const std::vector<const Tensor*>& inputs);

// An element judged from its reference y and the kernel's final value (before the output
// cast) as a running-error Val: the bound and estimate after the cast into rc.out, and a
// domain limit when an intermediate may overflow a format it passes through.
OpElement element_from(const Recipe& rc, double y, const Val& computed, double scale);

// The rows of the case printer: "row i: v0 (bits) v1 (bits) ..." for up to 16 values.
std::string describe_row(const Tensor& t, int64_t n, int64_t r);

}  // namespace numguard::ops
