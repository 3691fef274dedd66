// Elementwise gelu / gelu_tanh / silu (and their backward ops) fused with a bias add, on CUDA
// cores: one thread per element, grid-stride, bias indexed by column. The twins are the CPU
// kernels' activation_rows (kernels_under_test/cpu/activation.h), registered in
// register_activation.cpp (docs/kernels.md).
//
// Per element, exactly what activation_rows computes: t = __fadd_rn(x, bias[j]) in fp32, no
// addition at all when the bias is empty (x + 0 would turn -0 into +0); then the formula of
// activation_math.h (the same NG_HD function the host compiles; -fmad=false for this file and
// nvcc's default IEEE division, so every *, +, / rounds once as on the host), times dy with one
// __fmul_rn for the backward kinds; the fp32 result is rounded RNE into the input format.
#include <algorithm>

#include "kernels_under_test/cpu/activation_math.h"
#include "kernels_under_test/cuda/cuda_common.cuh"
#include "kernels_under_test/cuda/softmax.cuh"  // Fp16Io, Bf16Io, Fp32Io

namespace numguard::cuda {
namespace detail {
namespace {

constexpr int kActThreads = 256;
// A grid of at most this many blocks: larger tensors take the grid-stride loop (tested on a
// device by CudaDevice.ActivationGridStrideMatchesTwin).
constexpr int64_t kActMaxBlocks = 1024;

__device__ inline float act_apply(ActKind kind, float t) {
  switch (kind) {
    case ActKind::gelu:
      return kernels::act::gelu(t);
    case ActKind::gelu_tanh:
      return kernels::act::gelu_tanh(t);
    case ActKind::silu:
      return kernels::act::silu(t);
    case ActKind::gelu_backward:
      return kernels::act::gelu_grad(t);
    case ActKind::gelu_tanh_backward:
      return kernels::act::gelu_tanh_grad(t);
    case ActKind::silu_backward:
      return kernels::act::silu_grad(t);
  }
  return 0.0f;
}

__host__ __device__ inline bool act_backward(ActKind kind) {
  return kind == ActKind::gelu_backward || kind == ActKind::gelu_tanh_backward ||
         kind == ActKind::silu_backward;
}

// kBiasAfter: the mutant's order, y = f(x) + bias (forward kinds only).
template <class Io, bool kBiasAfter>
__global__ void __launch_bounds__(kActThreads)
    activation_bias_kernel(const typename Io::T* x, const typename Io::T* bias,
                           const typename Io::T* dy, int64_t total, int n, ActKind kind,
                           typename Io::T* out) {
  const bool backward = act_backward(kind);
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < total;
       i += stride) {
    const int j = static_cast<int>(i % n);
    const float xi = Io::load(x[i]);
    float y;
    if constexpr (kBiasAfter) {
      y = act_apply(kind, xi);
      if (bias) y = __fadd_rn(y, Io::load(bias[j]));
    } else {
      const float t = bias ? __fadd_rn(xi, Io::load(bias[j])) : xi;
      y = act_apply(kind, t);
      if (backward) y = __fmul_rn(Io::load(dy[i]), y);
    }
    out[i] = Io::store(y);
  }
}

template <class Io, bool kBiasAfter>
Bits run_activation_bias(ActKind kind, int64_t m, int64_t n, const Bits& x, const Bits& bias,
                         const Bits& dy) {
  using T = typename Io::T;
  require(m >= 0 && n >= 0, "CUDA activation: negative dimension");
  require(m * n < (int64_t{1} << 31), "CUDA activation: shape too large");
  require(x.size() == static_cast<size_t>(m * n), "CUDA activation: x must hold m*n elements");
  require(bias.empty() || bias.size() == static_cast<size_t>(n),
          "CUDA activation: bias must be empty or hold n elements");
  const bool backward = act_backward(kind);
  require(!backward || dy.size() == static_cast<size_t>(m * n),
          "CUDA activation: dy must hold m*n elements");
  const int64_t total = m * n;
  if (total == 0) return Bits{};
  const DeviceBuffer<T> dx(pack<T>(x)), db(pack<T>(bias)),
      ddy(backward ? pack<T>(dy) : std::vector<T>{});
  DeviceBuffer<T> dout(static_cast<size_t>(total));
  const int64_t blocks = std::min<int64_t>((total + kActThreads - 1) / kActThreads, kActMaxBlocks);
  activation_bias_kernel<Io, kBiasAfter><<<static_cast<unsigned>(blocks), kActThreads>>>(
      dx.get(), bias.empty() ? nullptr : db.get(), backward ? ddy.get() : nullptr, total,
      static_cast<int>(n), kind, dout.get());
  check_launch("activation_bias_kernel");
  check(cudaDeviceSynchronize(), "activation_bias_kernel");
  return unpack(dout.to_host());
}

}  // namespace
}  // namespace detail

Bits activation_bias(RowInput in, ActKind kind, int64_t m, int64_t n, const Bits& x,
                     const Bits& bias, const Bits& dy) {
  using namespace detail;
  switch (in) {
    case RowInput::fp16:
      return run_activation_bias<Fp16Io, false>(kind, m, n, x, bias, dy);
    case RowInput::bf16:
      return run_activation_bias<Bf16Io, false>(kind, m, n, x, bias, dy);
    case RowInput::fp32:
      return run_activation_bias<Fp32Io, false>(kind, m, n, x, bias, dy);
  }
  throw std::invalid_argument("activation_bias: unknown input format");
}

Bits mutant_gelu_bias_after_activation(int64_t m, int64_t n, const Bits& x, const Bits& bias) {
  return detail::run_activation_bias<detail::Fp16Io, true>(ActKind::gelu, m, n, x, bias, {});
}

}  // namespace numguard::cuda
