#include "harness/studies/device_matrix_units.h"

#include <vector>

#include "harness/core/rounding.h"
#include "harness/device/device.h"
#include "kernels_under_test/cuda/cublas_provider.h"
#include "kernels_under_test/cuda/mma_probe.h"

namespace numguard {
namespace {

using Span = std::span<const uint64_t>;

MatrixUnit mma_unit(Format in, Format out, cuda::ProbeInput pin) {
  MatrixUnit u;
  u.name = "cuda:mma.sync";
  u.in = in;
  u.out = out;
  u.max_k = 256;
  const bool f16 = out == Format::fp16;
  u.dot = [pin, f16](Span a, Span b, uint64_t c) {
    return cuda::mma_probe_dot(pin, f16, std::vector<uint64_t>(a.begin(), a.end()),
                               std::vector<uint64_t>(b.begin(), b.end()), c);
  };
  return u;
}

// Block-scaled mma.sync (RTX Blackwell): `dot` runs with scales of 1.
MatrixUnit scaled_mma_unit(Format in, Format scale, cuda::ScaledProbeInput pin, const char* kind) {
  MatrixUnit u;
  u.name = std::string("cuda:mma.sync ") + kind;
  u.in = in;
  u.out = Format::fp32;
  u.max_k = 256;
  u.scale_block = cuda::scaled_probe_block(pin);
  u.scale = scale;
  u.scaled_dot = [pin](Span a, Span b, Span sa, Span sb, uint64_t c) {
    return cuda::mma_probe_scaled_dot(pin, std::vector<uint64_t>(a.begin(), a.end()),
                                      std::vector<uint64_t>(b.begin(), b.end()),
                                      std::vector<uint64_t>(sa.begin(), sa.end()),
                                      std::vector<uint64_t>(sb.begin(), sb.end()), c);
  };
  const uint64_t one = round_double(scale, 1.0).bits;
  const size_t block = static_cast<size_t>(u.scale_block);
  u.dot = [pin, one, block](Span a, Span b, uint64_t c) {
    const std::vector<uint64_t> ones((a.size() + block - 1) / block, one);
    return cuda::mma_probe_scaled_dot(pin, std::vector<uint64_t>(a.begin(), a.end()),
                                      std::vector<uint64_t>(b.begin(), b.end()), ones, ones, c);
  };
  return u;
}

// A K-long 1 x 1 GEMM with beta = 1: d = 1 * sum a_i b_i + 1 * c.
MatrixUnit cublas_unit(Format in, Format out, cuda::BlasType tin, cuda::BlasType tout,
                       cuda::BlasCompute compute, const char* label) {
  MatrixUnit u;
  u.name = label;
  u.in = in;
  u.out = out;
  u.max_k = 256;
  u.dot = [=](Span a, Span b, uint64_t c) {
    const cuda::GemmShape s{1, 1, static_cast<int64_t>(a.size())};
    return cuda::cublas_gemm(tin, tout, compute, s, cuda::Bits(a.begin(), a.end()),
                             cuda::Bits(b.begin(), b.end()), cuda::Bits{c}, 1.0, 1.0)[0];
  };
  return u;
}

}  // namespace

std::vector<MatrixUnit> device_matrix_units(std::string* why_not) {
  const device::Status& s = device::status();
  if (!s.available) {
    if (why_not) *why_not = s.why_not;
    return {};
  }
  using cuda::BlasCompute;
  using cuda::BlasType;
  std::vector<MatrixUnit> units = {
      mma_unit(Format::fp16, Format::fp32, cuda::ProbeInput::fp16),
      mma_unit(Format::fp16, Format::fp16, cuda::ProbeInput::fp16),
      mma_unit(Format::bf16, Format::fp32, cuda::ProbeInput::bf16),
      mma_unit(Format::tf32, Format::fp32, cuda::ProbeInput::tf32),
  };
  if (cuda::mma_probe_has_fp8()) {
    units.push_back(mma_unit(Format::e4m3, Format::fp32, cuda::ProbeInput::e4m3));
    units.push_back(mma_unit(Format::e5m2, Format::fp32, cuda::ProbeInput::e5m2));
  }
  // Only on RTX Blackwell; elsewhere the probe goes on without them (ci/gpu prints why).
  if (cuda::mma_probe_has_block_scaled(nullptr)) {
    using P = cuda::ScaledProbeInput;
    units.push_back(
        scaled_mma_unit(Format::e4m3, Format::e8m0, P::mxf8f6f4_e4m3, "kind::mxf8f6f4.block32"));
    units.push_back(
        scaled_mma_unit(Format::e2m1, Format::e8m0, P::mxf4_e2m1, "kind::mxf4.block32"));
    units.push_back(
        scaled_mma_unit(Format::e2m1, Format::ue4m3, P::mxf4nvf4_e2m1, "kind::mxf4nvf4.block16"));
  }
  units.push_back(cublas_unit(Format::fp16, Format::fp32, BlasType::fp16, BlasType::fp32,
                              BlasCompute::c32f, "cublas:32F"));
  units.push_back(cublas_unit(Format::fp16, Format::fp16, BlasType::fp16, BlasType::fp16,
                              BlasCompute::c16f, "cublas:16F"));
  units.push_back(cublas_unit(Format::bf16, Format::fp32, BlasType::bf16, BlasType::fp32,
                              BlasCompute::c32f, "cublas:32F"));
  units.push_back(cublas_unit(Format::tf32, Format::fp32, BlasType::fp32, BlasType::fp32,
                              BlasCompute::c32f_fast_tf32, "cublas:FAST_TF32"));
  return units;
}

}  // namespace numguard
