#include "harness/studies/gradient_reference.h"

#include <cmath>
#include <limits>

namespace numguard::studies {
namespace {

template <class T>
using Mat = std::vector<T>;  // row-major

template <class T>
Mat<T> values_of(const Tensor& t) {
  Mat<T> v(t.size());
  for (size_t i = 0; i < t.size(); ++i) v[i] = static_cast<T>(t.value(i));
  return v;
}

// a (m x k) times b (k x n).
template <class T>
Mat<T> matmul(const Mat<T>& a, const Mat<T>& b, size_t m, size_t k, size_t n) {
  Mat<T> c(m * n, T(0));
  for (size_t i = 0; i < m; ++i)
    for (size_t r = 0; r < k; ++r) {
      const T air = a[i * k + r];
      if (air == 0) continue;
      for (size_t j = 0; j < n; ++j) c[i * n + j] += air * b[r * n + j];
    }
  return c;
}

template <class T>
Mat<T> transpose(const Mat<T>& a, size_t r, size_t c) {
  Mat<T> t(a.size());
  for (size_t i = 0; i < r; ++i)
    for (size_t j = 0; j < c; ++j) t[j * r + i] = a[i * c + j];
  return t;
}

template <class T>
struct RowStats {
  T mean, rstd;
};

template <class T>
RowStats<T> stats(const T* x, size_t n, T eps) {
  T s = 0;
  for (size_t j = 0; j < n; ++j) s += x[j];
  const T mean = s / static_cast<T>(n);
  T v = 0;
  for (size_t j = 0; j < n; ++j) v += (x[j] - mean) * (x[j] - mean);
  return {mean, T(1) / std::sqrt(v / static_cast<T>(n) + eps)};
}

template <class T>
Mat<T> layernorm(const Mat<T>& x, size_t m, size_t n, T eps) {
  Mat<T> y(x.size());
  for (size_t i = 0; i < m; ++i) {
    const RowStats<T> st = stats(&x[i * n], n, eps);
    for (size_t j = 0; j < n; ++j) y[i * n + j] = (x[i * n + j] - st.mean) * st.rstd;
  }
  return y;
}

// dx = rstd (dy - mean(dy) - xhat mean(dy xhat)) for gamma = 1.
template <class T>
Mat<T> layernorm_backward(const Mat<T>& x, const Mat<T>& dy, size_t m, size_t n, T eps) {
  Mat<T> dx(x.size());
  std::vector<T> xhat(n);
  for (size_t i = 0; i < m; ++i) {
    const RowStats<T> st = stats(&x[i * n], n, eps);
    T ma = 0, mb = 0;
    for (size_t j = 0; j < n; ++j) {
      xhat[j] = (x[i * n + j] - st.mean) * st.rstd;
      ma += dy[i * n + j];
      mb += dy[i * n + j] * xhat[j];
    }
    ma /= static_cast<T>(n);
    mb /= static_cast<T>(n);
    for (size_t j = 0; j < n; ++j) dx[i * n + j] = st.rstd * (dy[i * n + j] - ma - xhat[j] * mb);
  }
  return dx;
}

template <class T>
T inv_sqrt2() {
  return T(1) / std::sqrt(T(2));
}

// gelu(z) = z Phi(z) = (z / 2) erfc(-z / sqrt 2).
template <class T>
T gelu(T z) {
  return T(0.5) * z * std::erfc(-z * inv_sqrt2<T>());
}
// gelu'(z) = Phi(z) + z phi(z).
template <class T>
T gelu_grad(T z) {
  const T pi = std::acos(T(-1));
  return T(0.5) * std::erfc(-z * inv_sqrt2<T>()) + z * std::exp(-z * z / 2) / std::sqrt(2 * pi);
}

template <class T>
ReferenceGradients reference(const StackShape& s, const StackWeights& w, const StackBatch& b) {
  const auto m = static_cast<size_t>(s.batch), n = static_cast<size_t>(s.width);
  const auto depth = static_cast<size_t>(s.depth);
  const auto eps = static_cast<T>(layernorm_eps());
  const bool gelu_act = s.act == Activation::gelu;
  std::vector<Mat<T>> ws(depth), xs(depth), us(depth), zs(depth), hs(depth);
  Mat<T> x = values_of<T>(b.x0);
  for (size_t l = 0; l < depth; ++l) {
    ws[l] = values_of<T>(w.w[l]);
    xs[l] = x;
    us[l] = s.norm == Norm::pre_ln ? layernorm(x, m, n, eps) : x;
    zs[l] = matmul(us[l], ws[l], m, n, n);
    Mat<T> h(x.size());
    for (size_t i = 0; i < h.size(); ++i) {
      const T z = zs[l][i];
      const T a = gelu_act ? gelu(z) : (z > 0 ? z : T(0));
      h[i] = s.residual ? x[i] + a : a;
    }
    if (s.norm == Norm::post_ln) {
      hs[l] = h;
      x = layernorm(h, m, n, eps);
    } else {
      x = std::move(h);
    }
  }
  const Mat<T> t = values_of<T>(b.target);
  Mat<T> g(x.size());
  const T inv = T(1) / (static_cast<T>(m) * static_cast<T>(n));
  for (size_t i = 0; i < g.size(); ++i) g[i] = (x[i] - t[i]) * inv;

  ReferenceGradients out;
  out.dx.resize(depth);
  out.dw.resize(depth);
  auto to_double = [](const Mat<T>& v) { return std::vector<double>(v.begin(), v.end()); };
  for (size_t l = depth; l-- > 0;) {
    const Mat<T> gh = s.norm == Norm::post_ln ? layernorm_backward(hs[l], g, m, n, eps) : g;
    Mat<T> dz(gh.size());
    for (size_t i = 0; i < dz.size(); ++i) {
      const T z = zs[l][i];
      dz[i] = gh[i] * (gelu_act ? gelu_grad(z) : (z > 0 ? T(1) : T(0)));
    }
    const Mat<T> du = matmul(dz, transpose(ws[l], n, n), m, n, n);
    out.dw[l] = to_double(matmul(transpose(us[l], m, n), dz, n, m, n));
    Mat<T> dxb = s.norm == Norm::pre_ln ? layernorm_backward(xs[l], du, m, n, eps) : du;
    if (s.residual)
      for (size_t i = 0; i < g.size(); ++i) g[i] = gh[i] + dxb[i];
    else
      g = std::move(dxb);
    out.dx[l] = to_double(g);
  }
  return out;
}

double relative_difference(const std::vector<double>& a, const std::vector<double>& b) {
  double d = 0, r = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    d += (a[i] - b[i]) * (a[i] - b[i]);
    r += b[i] * b[i];
  }
  return r > 0 ? std::sqrt(d / r) : 0.0;
}

}  // namespace

ReferenceGradients reference_gradients(const StackShape& s, const StackWeights& w,
                                       const StackBatch& b) {
  return reference<double>(s, w, b);
}

ReferenceGradients reference_gradients_extended(const StackShape& s, const StackWeights& w,
                                                const StackBatch& b) {
  return reference<long double>(s, w, b);
}

bool extended_reference_available() {
  return std::numeric_limits<long double>::digits >= 64;
}

double max_relative_difference(const ReferenceGradients& a, const ReferenceGradients& b) {
  double worst = 0;
  for (size_t l = 0; l < a.dx.size(); ++l) {
    worst = std::max(worst, relative_difference(a.dx[l], b.dx[l]));
    worst = std::max(worst, relative_difference(a.dw[l], b.dw[l]));
  }
  return worst;
}

}  // namespace numguard::studies
