#include "kernels_under_test/cpu/norm_rows.h"

#include <cmath>
#include <vector>

#include "harness/core/reduce_order.h"
#include "kernels_under_test/cpu/row_kernel.h"

namespace numguard::kernels {
namespace {

struct Welford {
  float c = 0, mean = 0, m2 = 0;
};

struct Stats {
  float mean = 0;  // 0 for rms: d = x
  float r = 0;
};

float row_sum(const Accumulation& shape, int64_t n, const auto& leaf) {
  auto add = [](float a, float b) { return a + b; };
  return reduce_in_order(shape, n, 0.0f, leaf, add, add);
}

Stats row_stats(const NormAlgo& a, const float* x, int64_t n, float eps) {
  const auto fn = static_cast<float>(n);
  Stats s;
  float var = 0;
  if (a.rms) {
    if (a.sumsq_acc) {
      const Format f = *a.sumsq_acc;
      auto add = [f](float p, float q) { return through(f, p + q); };
      var = reduce_in_order(
                a.shape, n, 0.0f, [x](int64_t i) { return x[i] * x[i]; }, add, add) /
            fn;
    } else {
      var = row_sum(a.shape, n, [x](int64_t i) { return x[i] * x[i]; }) / fn;
    }
  } else if (a.naive_variance) {
    s.mean = row_sum(a.shape, n, [x](int64_t i) { return x[i]; }) / fn;
    var = row_sum(a.shape, n, [x](int64_t i) { return x[i] * x[i]; }) / fn - s.mean * s.mean;
  } else if (a.method == Method::welford) {
    auto step = [](Welford w, float xi) {
      w.c = w.c + 1.0f;
      const float delta = xi - w.mean;
      w.mean = w.mean + delta / w.c;
      w.m2 = w.m2 + delta * (xi - w.mean);
      return w;
    };
    auto combine = [equal = a.equal_count_combine, no_delta = a.combine_without_delta](
                       const Welford& p, const Welford& q) {
      if (p.c == 0) return q;
      if (q.c == 0) return p;
      Welford t;
      t.c = p.c + q.c;
      const float delta = q.mean - p.mean;
      if (equal) {
        t.mean = p.mean + delta * 0.5f;
        t.m2 = (p.m2 + q.m2) + (delta * delta) * (p.c * 0.5f);
        return t;
      }
      t.mean = p.mean + delta * (q.c / t.c);
      if (no_delta) {
        t.m2 = p.m2 + q.m2;
        return t;
      }
      t.m2 = (p.m2 + q.m2) + (delta * delta) * ((p.c * q.c) / t.c);
      return t;
    };
    const Welford w = reduce_in_order(
        a.shape, n, Welford{}, [x](int64_t i) { return x[i]; }, step, combine);
    s.mean = w.mean;
    var = w.m2 / fn;
  } else {
    s.mean = row_sum(a.shape, n, [x](int64_t i) { return x[i]; }) / fn;
    const float mean = s.mean;
    var = row_sum(a.shape, n,
                  [x, mean](int64_t i) {
                    const float d = x[i] - mean;
                    return d * d;
                  }) /
          fn;
  }
  if (a.eps_outside_sqrt) {
    s.r = 1.0f / (std::sqrt(var) + eps);
    return s;
  }
  const float ve = a.eps_add
                       ? through(*a.eps_add, through(*a.eps_add, var) + through(*a.eps_add, eps))
                       : var + eps;
  s.r = 1.0f / std::sqrt(ve);
  return s;
}

float d_of(const NormAlgo& a, float x, const Stats& s) {
  return a.rms ? x : x - s.mean;
}

}  // namespace

void norm_rows(const NormAlgo& a, const Problem& p, Tensor& out) {
  const std::vector<float> x = to_floats(p.a), gamma = to_floats(p.b);
  const std::vector<float> beta = a.rms ? std::vector<float>() : to_floats(p.c);
  const auto eps = static_cast<float>(p.scalars.at(0));
  const std::vector<uint8_t> rows = sampled_rows(p.m, p.n);
  for (int64_t r = 0; r < p.m; ++r) {
    if (!wanted_row(rows, r)) continue;
    const float* row = x.data() + r * p.n;
    const Stats s = row_stats(a, row, p.n, eps);
    for (int64_t j = 0; j < p.n; ++j) {
      const float t = (d_of(a, row[j], s) * s.r) * gamma[j];
      const float y = a.rms ? t : t + beta[j];
      out.bits[static_cast<size_t>(r * p.n + j)] = from_float(y, out.format);
    }
  }
}

void norm_backward_rows(const NormAlgo& a, const Problem& p, Tensor& out) {
  const std::vector<float> x = to_floats(p.a), gamma = to_floats(p.b), dy = to_floats(p.c);
  const auto eps = static_cast<float>(p.scalars.at(0));
  const auto n = static_cast<size_t>(p.n);
  const auto fn = static_cast<float>(p.n);
  std::vector<float> dgamma(n, 0.0f), dbeta(n, 0.0f), xhat(n), g(n);
  for (int64_t r = 0; r < p.m; ++r) {
    const float* row = x.data() + r * p.n;
    const float* dyr = dy.data() + r * p.n;
    const Stats s = row_stats(a, row, p.n, eps);
    for (size_t j = 0; j < n; ++j) {
      xhat[j] = d_of(a, row[j], s) * s.r;
      g[j] = gamma[j] * dyr[j];
    }
    const float ma = row_sum(a.shape, p.n, [&](int64_t i) { return g[i]; }) / fn;
    const float mb = row_sum(a.shape, p.n, [&](int64_t i) { return g[i] * xhat[i]; }) / fn;
    for (size_t j = 0; j < n; ++j) {
      const float c = a.rms ? g[j] : g[j] - ma;
      out.bits[r * n + j] = from_float(s.r * (c - xhat[j] * mb), out.format);
      dgamma[j] = dgamma[j] + dyr[j] * xhat[j];
      dbeta[j] = dbeta[j] + dyr[j];
    }
  }
  const size_t base = static_cast<size_t>(p.m) * n;
  for (size_t j = 0; j < n; ++j) {
    out.bits[base + j] = from_float(dgamma[j], out.format);
    if (!a.rms) out.bits[base + n + j] = from_float(dbeta[j], out.format);
  }
}

}  // namespace numguard::kernels
