#include "harness/engine/ops/reduction_reference.h"

#include <cmath>

#include "references/exact_accumulator.h"

namespace numguard::ops {
namespace {

double to_double(const Unpacked& u) {
  return decode(Format::fp64, round_to(Format::fp64, u).bits);
}

// S in double: each |a b| is exact (<= 48 bits), the sum is off by at most n 2^-53 relative,
// so it is inflated by (1 + (n + 2) 2^-52) to stay an upper bound.
void add_abs(ElementReference& r, double t, int64_t& terms) {
  if (!std::isfinite(t)) {
    r.nonfinite_input = true;
    return;
  }
  r.sum_abs += std::fabs(t);
  r.max_abs_term = std::max(r.max_abs_term, std::fabs(t));
  ++terms;
}
void inflate(ElementReference& r, int64_t terms) {
  r.sum_abs *= 1 + static_cast<double>(terms + 2) * 0x1p-52;
  r.acc_abs *= 1 + static_cast<double>(terms + 2) * 0x1p-52;
}

}  // namespace

std::vector<ElementReference> reduction_reference(const Problem& p, bool products, bool squares,
                                                  const std::vector<size_t>* elements) {
  const Format in = p.a.format;
  std::vector<ElementReference> out;
  if (!products) {  // one output per row of a
    auto row_reference = [&](int64_t i) {
      const std::span<const uint64_t> row(p.a.bits.data() + i * p.k, static_cast<size_t>(p.k));
      ElementReference r;
      r.exact = squares ? fixed_ref::dot_exact(in, row, row) : fixed_ref::sum_exact(in, row);
      int64_t terms = 0;
      for (int64_t l = 0; l < p.k; ++l) {
        const double v = p.a.value(static_cast<size_t>(i * p.k + l));
        if (std::isnan(v)) r.nonfinite_input = true;
        add_abs(r, squares ? v * v : v, terms);
        if (std::isfinite(v)) r.acc_abs += std::fabs(squares ? v * v : v);
      }
      inflate(r, terms);
      r.value = to_double(r.exact);
      return r;
    };
    if (elements)
      for (size_t e : *elements) out.push_back(row_reference(static_cast<int64_t>(e)));
    else
      for (int64_t i = 0; i < p.m; ++i) out.push_back(row_reference(i));
    return out;
  }
  GemmProblem g;
  g.in = in;
  g.m = p.m;
  g.n = p.n;
  g.k = p.k;
  g.a = p.a.bits;
  g.b = p.b.bits;
  g.alpha = p.alpha;
  g.beta = p.beta;
  if (!p.c.empty()) {
    g.c_format = p.c.format;
    g.c = p.c.bits;
  }
  const std::vector<double> a = p.a.values();
  // B transposed (n x k), so that every element reads two contiguous rows.
  std::vector<double> bt(p.b.size());
  std::vector<uint64_t> bt_bits(p.b.size());
  for (int64_t l = 0; l < p.k; ++l)
    for (int64_t j = 0; j < p.n; ++j) {
      const auto from = static_cast<size_t>(l * p.n + j), to = static_cast<size_t>(j * p.k + l);
      bt[to] = p.b.value(from);
      bt_bits[to] = p.b.bits[from];
    }
  // S and the flags of element (i, j) around its exact value.
  auto fill = [&](ElementReference& r, int64_t i, int64_t j) {
    int64_t terms = 0;
    for (int64_t l = 0; l < p.k; ++l) {
      const double x = a[static_cast<size_t>(i * p.k + l)],
                   y = bt[static_cast<size_t>(j * p.k + l)];
      if (std::isnan(x) || std::isnan(y) || std::isinf(x) || std::isinf(y)) {
        r.nonfinite_input = true;
        continue;
      }
      add_abs(r, std::fabs(p.alpha) * x * y, terms);
      r.acc_abs += std::fabs(x * y);
      r.max_abs_term = std::max(r.max_abs_term, std::fabs(x * y));
    }
    if (p.beta != 0 && !p.c.empty())
      add_abs(r, p.beta * p.c.value(static_cast<size_t>(i * p.n + j)), terms);
    inflate(r, terms);
    r.value = to_double(r.exact);
  };
  if (elements) {
    // One 1 x 1 x k problem per sampled element: row i of A, column j of B, C[i, j].
    for (size_t e : *elements) {
      const int64_t i = static_cast<int64_t>(e) / p.n, j = static_cast<int64_t>(e) % p.n;
      GemmProblem one = g;
      one.m = one.n = 1;
      one.a = std::span<const uint64_t>(p.a.bits.data() + i * p.k, static_cast<size_t>(p.k));
      one.b = std::span<const uint64_t>(bt_bits.data() + j * p.k, static_cast<size_t>(p.k));
      if (!p.c.empty()) one.c = std::span<const uint64_t>(p.c.bits.data() + e, 1);
      ElementReference r;
      r.exact = fixed_ref::gemm_exact(one).front();
      fill(r, i, j);
      out.push_back(r);
    }
    return out;
  }
  const std::vector<Unpacked> exact = fixed_ref::gemm_exact(g);
  out.resize(exact.size());
  for (int64_t i = 0; i < p.m; ++i)
    for (int64_t j = 0; j < p.n; ++j) {
      ElementReference& r = out[static_cast<size_t>(i * p.n + j)];
      r.exact = exact[static_cast<size_t>(i * p.n + j)];
      fill(r, i, j);
    }
  return out;
}

}  // namespace numguard::ops
