// The host side both Blackwell block-scaled GEMMs share (scaled_gemm_sm120.cu,
// scaled_gemm_sm100.cu): the buffers checked against m, n, k, copied to the device as one byte
// per element or scale, the launch, and the fp32 results' bits.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels_under_test/cuda/cuda_common.cuh"
#include "kernels_under_test/cuda/scaled_gemm_blackwell.h"
#include "kernels_under_test/cuda/scaled_mma_fragments.h"

namespace numguard::cuda::detail {

inline DeviceBuffer<uint8_t> bytes_on_device(const Bits& v) {
  return DeviceBuffer<uint8_t>(std::vector<uint8_t>(v.begin(), v.end()));
}

// Runs launch(x, alpha, out) (x: the tensors on the device as fragments::Gemm of `kind`, alpha
// as a float, out: m x n floats) where runs(&why) allows it; `name` prefixes every error.
template <class Launch>
Bits run_scaled_gemm(const char* name, fragments::Kind kind, GemmShape s, const Bits& a,
                     const Bits& b, const Bits& sa, const Bits& sb, uint32_t alpha,
                     bool (*runs)(std::string*), Launch launch) {
  const int64_t bl = fragments::scale_block(kind), kb = (s.k + bl - 1) / bl;
  if (s.m < 0 || s.n < 0 || s.k < 0 || s.m * s.k != static_cast<int64_t>(a.size()) ||
      s.k * s.n != static_cast<int64_t>(b.size()) || s.m * kb != static_cast<int64_t>(sa.size()) ||
      kb * s.n != static_cast<int64_t>(sb.size()))
    throw std::invalid_argument(std::string(name) + ": buffers do not match m, n, k");
  if (s.m > (1 << 30) || s.n > (1 << 30) || s.k > (1 << 30))
    throw std::invalid_argument(std::string(name) + ": a dimension past 2^30");
  std::string why;
  if (!runs(&why)) throw std::runtime_error(std::string(name) + ": " + why);
  if (s.m * s.n == 0) return Bits{};
  const DeviceBuffer<uint8_t> da = bytes_on_device(a), db = bytes_on_device(b),
                              dsa = bytes_on_device(sa), dsb = bytes_on_device(sb);
  DeviceBuffer<float> dout(static_cast<size_t>(s.m * s.n));
  const fragments::Gemm x{da.get(),
                          db.get(),
                          dsa.get(),
                          dsb.get(),
                          static_cast<int>(s.m),
                          static_cast<int>(s.n),
                          static_cast<int>(s.k),
                          static_cast<int>(kb),
                          kind};
  float alpha_f;
  std::memcpy(&alpha_f, &alpha, sizeof alpha_f);
  launch(x, alpha_f, dout.get());
  check_launch(name);
  const std::vector<float> h = dout.to_host();
  Bits out(h.size());
  for (size_t i = 0; i < h.size(); ++i) {
    uint32_t u;
    std::memcpy(&u, &h[i], sizeof u);
    out[i] = u;
  }
  return out;
}

// The launcher of `kind` among one per kind.
using ScaledGemmRun = Bits (*)(GemmShape, const Bits&, const Bits&, const Bits&, const Bits&,
                               uint32_t);
inline ScaledGemmRun for_kind(const char* name, fragments::Kind kind, ScaledGemmRun mxf8f6f4,
                              ScaledGemmRun mxf4, ScaledGemmRun mxf4nvf4) {
  switch (kind) {
    case fragments::Kind::mxf8f6f4_e4m3:
      return mxf8f6f4;
    case fragments::Kind::mxf4_e2m1:
      return mxf4;
    case fragments::Kind::mxf4nvf4_e2m1:
      return mxf4nvf4;
  }
  throw std::invalid_argument(std::string(name) + ": unknown kind");
}

}  // namespace numguard::cuda::detail
