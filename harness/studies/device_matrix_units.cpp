#include "harness/studies/device_matrix_units.h"

#include <vector>

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
