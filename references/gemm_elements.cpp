#include "references/gemm_elements.h"

#include <algorithm>
#include <cmath>

#include "references/exact_accumulator.h"

namespace numguard {

GemmElements::GemmElements(const GemmProblem& p) : p_(p) {
  validate(p);
  split_ = p.in != Format::fp64;
  if (!split_) return;
  const size_t m = static_cast<size_t>(p.m), n = static_cast<size_t>(p.n),
               k = static_cast<size_t>(p.k);
  a_.resize(m * k);
  rows_.reserve(m);
  for (size_t i = 0; i < m; ++i)
    rows_.push_back(split_dot::decode(p.in, p.a.subspan(i * k, k), a_.data() + i * k));
  // B decoded row by row, then transposed in tiles that stay in cache.
  std::vector<float> b(k * n);
  split_dot::decode(p.in, p.b, b.data());
  bt_.resize(n * k);
  constexpr size_t kTile = 64;
  for (size_t l0 = 0; l0 < k; l0 += kTile)
    for (size_t j0 = 0; j0 < n; j0 += kTile)
      for (size_t l = l0; l < std::min(k, l0 + kTile); ++l)
        for (size_t j = j0; j < std::min(n, j0 + kTile); ++j) bt_[j * k + l] = b[l * n + j];
  cols_.reserve(n);
  for (size_t j = 0; j < n; ++j)
    cols_.push_back(split_dot::describe(p.in, std::span<const float>(bt_.data() + j * k, k)));
}

Unpacked GemmElements::epilogue(const ExactReal& dot, int64_t i, int64_t j, Rounding mode) const {
  const bool use_ab = p_.alpha != 0, use_c = p_.beta != 0;
  ExactReal r;  // +0 when both terms are dropped
  if (use_ab) r = mul(dot, p_.alpha);
  if (use_c) {
    const ExactReal bc =
        mul(ExactReal::from_double(decode(p_.c_format, p_.c[static_cast<size_t>(i * p_.n + j)])),
            p_.beta);
    r = use_ab ? add(r, bc, mode) : bc;
  }
  return r.unpacked();
}

GemmElements::Element GemmElements::at(int64_t i, int64_t j, Rounding mode, bool stats) const {
  if (!split_) return by_window(i, j, mode, stats);
  const auto r =
      split_dot::dot(rows_[static_cast<size_t>(i)], cols_[static_cast<size_t>(j)], stats);
  if (!r) return by_window(i, j, mode, stats);
  Element e;
  e.abs_products = r->abs_sum;
  e.max_product = r->max_abs;
  if (p_.alpha == 1 && p_.beta == 0)
    e.exact = r->unpacked();
  else
    e.exact = epilogue(r->exact_real(), i, j, mode);
  return e;
}

GemmElements::Element GemmElements::by_window(int64_t i, int64_t j, Rounding mode,
                                              bool stats) const {
  const size_t k = static_cast<size_t>(p_.k), n = static_cast<size_t>(p_.n);
  thread_local std::vector<uint64_t> col;
  col.resize(k);
  for (size_t l = 0; l < k; ++l) col[l] = p_.b[l * n + static_cast<size_t>(j)];
  const std::span<const uint64_t> row = p_.a.subspan(static_cast<size_t>(i) * k, k);
  Element e;
  if (stats)
    for (size_t l = 0; l < k; ++l) {
      const double x = decode(p_.in, row[l]), y = decode(p_.in, col[l]);
      if (!std::isfinite(x) || !std::isfinite(y)) {
        e.nonfinite = true;
        continue;
      }
      e.abs_products += std::fabs(x * y);
      e.max_product = std::max(e.max_product, std::fabs(x * y));
    }
  const bool use_ab = p_.alpha != 0;
  ExactAccumulator acc(p_.in);
  if (use_ab) acc.add_dot(row, col);
  if (p_.alpha == 1 && p_.beta == 0)
    e.exact = acc.exact(mode);
  else
    e.exact = epilogue(acc.exact_real(mode), i, j, mode);
  return e;
}

}  // namespace numguard
