// What the .cu files share: CUDA error checks that throw, device buffers, packing host bit
// buffers into element arrays, and the epilogue as the CPU kernels run it
// (kernels_under_test/cpu/reduction_kernel.h).
//
// Every .cu file is compiled with -fmad=false; the only fused operations are explicit
// __fmaf_rn calls that the twins model, and every other operation is an explicit
// __fadd_rn / __fmul_rn / __hadd_rn / __hmul_rn, so no contraction can change the arithmetic.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels_under_test/cuda/launch.h"

namespace numguard::cuda::detail {

inline void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess)
    throw std::runtime_error(std::string("CUDA: ") + what + ": " + cudaGetErrorName(e) + ": " +
                             cudaGetErrorString(e));
}

// Launch errors surface at cudaGetLastError; faults inside the kernel at the synchronization.
inline void check_launch(const char* kernel) {
  check(cudaGetLastError(), kernel);
}

// Whether `kernel` has code for the present device (arch-specific code has none on any other
// GPU); otherwise false, *why_not = "<needs>; this device is sm_XY" or "no CUDA device".
inline bool runs_here(const void* kernel, const char* needs, std::string* why_not) {
  int dev = 0, major = 0, minor = 0;
  if (cudaGetDevice(&dev) != cudaSuccess) {
    cudaGetLastError();
    if (why_not) *why_not = "no CUDA device";
    return false;
  }
  cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, dev);
  cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, dev);
  cudaFuncAttributes attr{};
  if (cudaFuncGetAttributes(&attr, kernel) != cudaSuccess) {
    cudaGetLastError();
    if (why_not)
      *why_not = std::string(needs) + "; this device is sm_" + std::to_string(major) +
                 std::to_string(minor);
    return false;
  }
  return true;
}

template <class T>
class DeviceBuffer {
 public:
  explicit DeviceBuffer(size_t count) : count_(count) {
    if (count_ > 0) check(cudaMalloc(&ptr_, count_ * sizeof(T)), "cudaMalloc");
  }
  DeviceBuffer(const std::vector<T>& host) : DeviceBuffer(host.size()) {
    if (count_ > 0)
      check(cudaMemcpy(ptr_, host.data(), count_ * sizeof(T), cudaMemcpyHostToDevice),
            "cudaMemcpy to device");
  }
  ~DeviceBuffer() {
    if (ptr_) cudaFree(ptr_);
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  T* get() const { return ptr_; }
  std::vector<T> to_host() const {
    std::vector<T> h(count_);
    if (count_ > 0)
      check(cudaMemcpy(h.data(), ptr_, count_ * sizeof(T), cudaMemcpyDeviceToHost),
            "cudaMemcpy to host");
    return h;
  }

 private:
  T* ptr_ = nullptr;
  size_t count_ = 0;
};

// The low bits of each host element (16 for fp16 / bf16, 32 for fp32 containers).
template <class T>
std::vector<T> pack(const Bits& bits) {
  std::vector<T> out(bits.size());
  for (size_t i = 0; i < bits.size(); ++i) out[i] = static_cast<T>(bits[i]);
  return out;
}
template <class T>
Bits unpack(const std::vector<T>& v) {
  return Bits(v.begin(), v.end());
}

inline void require(bool ok, const char* what) {
  if (!ok) throw std::invalid_argument(what);
}

// Shapes the kernels index with 32-bit ints (every buffer below 2^31 elements).
inline void require_shape(GemmShape s, size_t a, size_t b, size_t c, bool has_c) {
  require(s.m >= 0 && s.n >= 0 && s.k >= 0, "CUDA kernel: negative dimension");
  const int64_t lim = int64_t{1} << 31;
  require(s.m * s.k < lim && s.k * s.n < lim && s.m * s.n < lim && s.m < lim / 64 &&
              s.n < lim / 64 && s.k < lim / 64,
          "CUDA kernel: shape too large for 32-bit indexing");
  require(a == static_cast<size_t>(s.m * s.k), "CUDA kernel: a must hold m*k elements");
  require(b == static_cast<size_t>(s.k * s.n), "CUDA kernel: b must hold k*n elements");
  require(!has_c || c == static_cast<size_t>(s.m * s.n), "CUDA kernel: c must hold m*n elements");
}

// The epilogue on the device, scalars as the accumulation format's bits.
struct DeviceEpilogue {
  bool identity, has_ab, has_c;
  uint32_t alpha, beta;
};
inline DeviceEpilogue device_epilogue(const Epilogue& e) {
  return {e.identity, e.has_ab, e.has_c, static_cast<uint32_t>(e.alpha),
          static_cast<uint32_t>(e.beta)};
}

// y = alpha*acc + beta*c in fp32, each operation rounded to nearest even (reduction_kernel.h).
__device__ inline float epilogue_f32(float acc, const DeviceEpilogue& e, const float* c, size_t i) {
  if (e.identity) return acc;
  if (!e.has_ab && !e.has_c) return 0.0f;
  const float ab = e.has_ab ? __fmul_rn(__uint_as_float(e.alpha), acc) : 0.0f;
  const float bc = e.has_c ? __fmul_rn(__uint_as_float(e.beta), c[i]) : 0.0f;
  if (!e.has_c) return ab;
  if (!e.has_ab) return bc;
  return __fadd_rn(ab, bc);
}

// The same in fp16.
__device__ inline __half epilogue_f16(__half acc, const DeviceEpilogue& e, const uint16_t* c,
                                      size_t i) {
  if (e.identity) return acc;
  const __half zero = __ushort_as_half(0);
  if (!e.has_ab && !e.has_c) return zero;
  const __half alpha = __ushort_as_half(static_cast<unsigned short>(e.alpha));
  const __half beta = __ushort_as_half(static_cast<unsigned short>(e.beta));
  const __half ab = e.has_ab ? __hmul_rn(alpha, acc) : zero;
  const __half bc = e.has_c ? __hmul_rn(beta, __ushort_as_half(c[i])) : zero;
  if (!e.has_c) return ab;
  if (!e.has_ab) return bc;
  return __hadd_rn(ab, bc);
}

// Exact conversions of the 16-bit inputs to fp32 (subnormals kept).
__device__ inline float fp16_to_f32(uint16_t bits) {
  return __half2float(__ushort_as_half(bits));
}
__device__ inline float bf16_to_f32(uint16_t bits) {
  return __uint_as_float(static_cast<uint32_t>(bits) << 16);
}

// fp32 -> fp16 / bf16, round to nearest even (subnormals, overflow to infinity): the toolkit's
// conversions, which properties/cuda_host_conversion_test.cpp checks against the core's
// round_double over every float.
__device__ inline uint16_t f32_to_fp16_bits(float y) {
  return __half_as_ushort(__float2half_rn(y));
}
__device__ inline uint16_t f32_to_bf16_bits(float y) {
  return __bfloat16_as_ushort(__float2bfloat16_rn(y));
}

}  // namespace numguard::cuda::detail
