#include "harness/engine/ops/reduction_reference.h"

#include <cmath>

#include "references/exact_accumulator.h"
#include "references/gemm_elements.h"

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
  // A's rows and B's columns decoded once; each element is one pass over two of them, which
  // also gives sum |a b| and max |a b| (references/gemm_elements.h).
  const GemmElements prepared(g);
  auto element = [&](size_t e) {
    const int64_t i = static_cast<int64_t>(e) / p.n, j = static_cast<int64_t>(e) % p.n;
    const GemmElements::Element x = prepared.at(i, j);
    ElementReference r;
    r.exact = x.exact;
    r.nonfinite_input = x.nonfinite;
    r.acc_abs = x.abs_products;
    r.max_abs_term = std::max(1.0, std::fabs(p.alpha)) * x.max_product;  // |a b| and |alpha a b|
    // S = |alpha| sum |a b| + |beta c|: two more roundings, inside the inflation below.
    r.sum_abs = std::fabs(p.alpha) * x.abs_products;
    int64_t terms = p.k + 1;
    if (p.beta != 0 && !p.c.empty()) add_abs(r, p.beta * p.c.value(e), terms);
    inflate(r, terms);
    r.value = to_double(r.exact);
    return r;
  };
  if (elements) {
    out.reserve(elements->size());
    for (size_t e : *elements) out.push_back(element(e));
  } else {
    out.reserve(static_cast<size_t>(p.m * p.n));
    for (size_t e = 0; e < static_cast<size_t>(p.m * p.n); ++e) out.push_back(element(e));
  }
  return out;
}

}  // namespace numguard::ops
