// What the row ops (softmax, log_softmax, cross_entropy, the norms) share: a is m rows of n
// values, and a case is judged element by element from per-row references and bounds.
#pragma once

#include <string>
#include <vector>

#include "harness/core/kernel.h"
#include "harness/core/output_sample.h"
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

// Sampled verification (harness/core/output_sample.h) for an op judged row by row over an
// m x n output: the thread's sample, read as rows. A judge computes only the rows that hold a
// sampled element and returns only the sampled elements, in order (rows ascending, columns
// ascending within a row); without a sample, everything.
class RowSample {
 public:
  RowSample(int64_t m, int64_t n);
  bool row(int64_t i) const { return rows_.empty() || rows_[static_cast<size_t>(i)] != 0; }
  bool element(int64_t i, int64_t j) const;

 private:
  const OutputSample* sample_;
  int64_t n_;
  std::vector<uint8_t> rows_;  // empty: every row
};

}  // namespace numguard::ops
