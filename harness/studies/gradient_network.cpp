#include "harness/studies/gradient_network.h"

#include <cmath>
#include <stdexcept>

#include "harness/core/rounding.h"
#include "harness/engine/generators.h"
#include "harness/engine/random.h"
#include "harness/engine/registry.h"

namespace numguard::studies {

std::string_view name(Norm n) {
  switch (n) {
    case Norm::none:
      return "none";
    case Norm::pre_ln:
      return "pre_ln";
    case Norm::post_ln:
      return "post_ln";
  }
  return "?";
}

std::string_view name(Activation a) {
  return a == Activation::gelu ? "gelu" : "relu";
}

double layernorm_eps() {
  return round_value(Format::fp32, 1e-5);
}

PrecisionRecipe precision_recipe(std::string_view precision) {
  PrecisionRecipe p;
  p.name = std::string(precision);
  std::string gemm, elem;
  if (precision == "fp16") {
    p.storage = p.gemm_in = Format::fp16;
    gemm = "gemm.fp16.fp32acc.sequential.fp16out";  // fp32 accumulation, fp16 activations
    elem = "fp16";
  } else if (precision == "bf16") {
    p.storage = p.gemm_in = Format::bf16;
    gemm = "gemm.bf16.fp32acc.sequential.bf16out";
    elem = "bf16";
  } else if (precision == "tf32") {
    // fp32 storage; only the gemm inputs are tf32, as with allow_tf32 matmuls.
    p.storage = Format::fp32;
    p.gemm_in = Format::tf32;
    gemm = "gemm.tf32.fp32acc.sequential";
    elem = "fp32";
  } else if (precision == "fp32") {
    p.storage = p.gemm_in = Format::fp32;
    gemm = "gemm.fp32.fp32acc.sequential";
    elem = "fp32";
  } else {
    throw std::invalid_argument("gradients: unknown precision " + std::string(precision));
  }
  p.gemm = find_kernel(gemm);
  p.gelu = find_kernel("gelu." + elem + ".fp32acc.direct");
  p.gelu_backward = find_kernel("gelu_backward." + elem + ".fp32acc.direct");
  p.layernorm = find_kernel("layernorm." + elem + ".fp32acc.twopass");
  p.layernorm_backward = find_kernel("layernorm_backward." + elem + ".fp32acc.twopass");
  return p;
}

std::vector<const KernelDesc*> stack_kernels(const PrecisionRecipe& p, const StackShape& s) {
  std::vector<const KernelDesc*> k;
  if (s.norm == Norm::pre_ln) k.push_back(p.layernorm);
  k.push_back(p.gemm);
  if (s.act == Activation::gelu) k.push_back(p.gelu);
  if (s.norm == Norm::post_ln) k.push_back(p.layernorm);
  if (s.norm == Norm::post_ln) k.push_back(p.layernorm_backward);
  if (s.act == Activation::gelu) k.push_back(p.gelu_backward);
  if (s.norm == Norm::pre_ln) k.push_back(p.layernorm_backward);
  return k;
}

namespace {

Tensor from_values(Format f, std::vector<int64_t> shape, const std::vector<double>& v) {
  Tensor t(f, std::move(shape));
  for (size_t i = 0; i < v.size(); ++i) t.bits[i] = to_bits(f, v[i]);
  return t;
}

// The same values in format f (RNE): a no-op unless f is narrower (fp32 -> tf32).
Tensor convert_to(const Tensor& t, Format f) {
  if (t.format == f) return t;
  return from_values(f, t.shape, t.values());
}

Tensor transpose(const Tensor& t) {
  const int64_t r = t.shape.at(0), c = t.shape.at(1);
  Tensor out(t.format, {c, r});
  for (int64_t i = 0; i < r; ++i)
    for (int64_t j = 0; j < c; ++j)
      out.bits[static_cast<size_t>(j * r + i)] = t.bits[static_cast<size_t>(i * c + j)];
  return out;
}

void require_kernel(const KernelDesc* k, const char* what) {
  if (!k) throw std::invalid_argument(std::string("gradients: kernel not registered: ") + what);
}

// a (m x k) times b (k x n) by the precision's gemm kernel; output in its output format.
Tensor gemm(const PrecisionRecipe& p, const Tensor& a, const Tensor& b) {
  require_kernel(p.gemm, "gemm");
  Problem pr;
  pr.m = a.shape.at(0);
  pr.k = a.shape.at(1);
  pr.n = b.shape.at(1);
  pr.a = convert_to(a, p.gemm_in);
  pr.b = convert_to(b, p.gemm_in);
  Tensor out(p.gemm->recipe.out, {pr.m, pr.n});
  p.gemm->run(pr, out);
  return convert_to(out, p.storage);  // no-op: every gemm here writes the storage format
}

Tensor ones(Format f, int64_t n) {
  Tensor t(f, {n});
  for (auto& b : t.bits) b = to_bits(f, 1.0);
  return t;
}

Tensor layernorm(const PrecisionRecipe& p, const Tensor& x) {
  require_kernel(p.layernorm, "layernorm");
  Problem pr;
  pr.m = x.shape.at(0);
  pr.n = x.shape.at(1);
  pr.a = x;
  pr.b = ones(x.format, pr.n);
  pr.c = Tensor(x.format, {pr.n});  // beta = +0
  pr.scalars = {layernorm_eps()};
  Tensor out(p.layernorm->recipe.out, {pr.m, pr.n});
  p.layernorm->run(pr, out);
  return out;
}

// dL/dx of LayerNorm at x given dL/dy = dy: the first m*n outputs of the backward kernel
// (dgamma and dbeta follow; the stack has no norm parameters to train).
Tensor layernorm_backward(const PrecisionRecipe& p, const Tensor& x, const Tensor& dy) {
  require_kernel(p.layernorm_backward, "layernorm_backward");
  Problem pr;
  pr.m = x.shape.at(0);
  pr.n = x.shape.at(1);
  pr.a = x;
  pr.b = ones(x.format, pr.n);
  pr.c = dy;
  pr.scalars = {layernorm_eps()};
  Tensor out(p.layernorm_backward->recipe.out, {pr.m * pr.n + 2 * pr.n});
  p.layernorm_backward->run(pr, out);
  Tensor dx(out.format, x.shape);
  std::copy(out.bits.begin(), out.bits.begin() + static_cast<int64_t>(dx.size()), dx.bits.begin());
  return dx;
}

Tensor activation(const PrecisionRecipe& p, Activation act, const Tensor& z) {
  if (act == Activation::relu) {
    // max(z, 0) is exact in every format; NaN stays NaN so an overflow is not hidden.
    Tensor y(z.format, z.shape);
    for (size_t i = 0; i < z.size(); ++i) {
      const FpClass c = classify(z.format, z.bits[i]);
      y.bits[i] = c == FpClass::nan || (c != FpClass::zero && !sign_bit(z.format, z.bits[i]))
                      ? z.bits[i]
                      : 0;
    }
    return y;
  }
  require_kernel(p.gelu, "gelu");
  Problem pr;
  pr.m = z.shape.at(0);
  pr.n = z.shape.at(1);
  pr.a = z;
  Tensor out(p.gelu->recipe.out, z.shape);
  p.gelu->run(pr, out);
  return out;
}

// dy * act'(z).
Tensor activation_backward(const PrecisionRecipe& p, Activation act, const Tensor& z,
                           const Tensor& dy) {
  if (act == Activation::relu) {
    Tensor dz(dy.format, dy.shape);
    for (size_t i = 0; i < z.size(); ++i) {
      const FpClass c = classify(z.format, z.bits[i]);
      if (c == FpClass::nan)
        dz.bits[i] = desc(dy.format).nan_bits();
      else if (c != FpClass::zero && !sign_bit(z.format, z.bits[i]))
        dz.bits[i] = dy.bits[i];
    }
    return dz;
  }
  require_kernel(p.gelu_backward, "gelu_backward");
  Problem pr;
  pr.m = z.shape.at(0);
  pr.n = z.shape.at(1);
  pr.a = z;
  pr.c = dy;
  Tensor out(p.gelu_backward->recipe.out, z.shape);
  p.gelu_backward->run(pr, out);
  return out;
}

// a + b rounded once into the storage format (the sum of two values of fp32 or narrower
// formats is exact in double unless their exponents differ so much that the smaller one is
// below half an ulp of the result, where both roundings agree).
Tensor add(const Tensor& a, const Tensor& b) {
  Tensor y(a.format, a.shape);
  for (size_t i = 0; i < a.size(); ++i) y.bits[i] = to_bits(a.format, a.value(i) + b.value(i));
  return y;
}

}  // namespace

StackWeights make_weights(const PrecisionRecipe& p, const StackShape& s, double gain,
                          uint64_t seed) {
  StackWeights w;
  const int64_t n = s.width;
  const double sd = gain / std::sqrt(static_cast<double>(n));
  for (int l = 0; l < s.depth; ++l) {
    Rng r(case_seed(seed, static_cast<uint64_t>(l), 0x77));
    std::vector<double> v(static_cast<size_t>(n * n));
    for (double& x : v) x = sd * r.normal();
    w.w.push_back(from_values(p.gemm_in, {n, n}, v));
    w.wt.push_back(transpose(w.w.back()));
  }
  return w;
}

StackBatch make_batch(const PrecisionRecipe& p, const StackShape& s, double input_scale,
                      uint64_t seed) {
  Rng r(case_seed(seed, 0, 0x78));
  const auto count = static_cast<size_t>(s.batch) * static_cast<size_t>(s.width);
  std::vector<double> x(count), t(count);
  for (double& v : x) v = input_scale * r.normal();
  for (double& v : t) v = r.normal();
  return {from_values(p.storage, {s.batch, s.width}, x),
          from_values(p.storage, {s.batch, s.width}, t)};
}

bool StackGradients::finite() const {
  for (const auto* set : {&dx, &dw})
    for (const Tensor& t : *set)
      for (uint64_t b : t.bits)
        if (!is_finite(t.format, b)) return false;
  return true;
}

StackGradients run_stack(const PrecisionRecipe& p, const StackShape& s, const StackWeights& w,
                         const StackBatch& b, double loss_scale) {
  const auto depth = static_cast<size_t>(s.depth);
  // Saved for backward: the layer input x_l, the gemm input u_l, the pre-activation z_l and
  // the pre-norm sum h_l (post-LN).
  std::vector<Tensor> xs(depth), us(depth), zs(depth), hs(depth);
  Tensor x = b.x0;
  for (size_t l = 0; l < depth; ++l) {
    xs[l] = x;
    us[l] = s.norm == Norm::pre_ln ? layernorm(p, x) : x;
    zs[l] = gemm(p, us[l], w.w[l]);
    Tensor a = activation(p, s.act, zs[l]);
    Tensor h = s.residual ? add(x, a) : std::move(a);
    if (s.norm == Norm::post_ln) {
      hs[l] = h;
      x = layernorm(p, h);
    } else {
      x = std::move(h);
    }
  }
  // dL/dx_L = loss_scale (x_L - t) / (batch width), computed in double, rounded once.
  const double inv = loss_scale / (static_cast<double>(s.batch) * s.width);
  Tensor g(p.storage, x.shape);
  for (size_t i = 0; i < g.size(); ++i)
    g.bits[i] = to_bits(p.storage, (x.value(i) - b.target.value(i)) * inv);

  StackGradients out;
  out.dx.resize(depth);
  out.dw.resize(depth);
  for (size_t l = depth; l-- > 0;) {
    const Tensor gh = s.norm == Norm::post_ln ? layernorm_backward(p, hs[l], g) : g;
    const Tensor dz = activation_backward(p, s.act, zs[l], gh);
    const Tensor du = gemm(p, dz, w.wt[l]);
    out.dw[l] = gemm(p, transpose(us[l]), dz);
    Tensor dxb = s.norm == Norm::pre_ln ? layernorm_backward(p, xs[l], du) : du;
    g = s.residual ? add(gh, dxb) : std::move(dxb);
    out.dx[l] = g;
  }
  return out;
}

}  // namespace numguard::studies
