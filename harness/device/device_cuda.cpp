// The device query of the CUDA build (device_stub.cpp stands in without nvcc). Device 0
// is the one every launcher uses.
#include "harness/device/device.h"

#include <cuda_runtime.h>

namespace numguard::device {
namespace {

std::string error_line(const char* call, cudaError_t e) {
  return std::string(call) + " failed: " + cudaGetErrorName(e) + " (" + cudaGetErrorString(e) + ")";
}

Status query() {
  Status s;
  int count = 0;
  if (const cudaError_t e = cudaGetDeviceCount(&count); e != cudaSuccess) {
    cudaGetLastError();  // clear the (non-sticky) error so later calls report their own
    s.why_not = error_line("cudaGetDeviceCount", e);
    return s;
  }
  if (count == 0) {
    s.why_not = "no CUDA device visible (cudaGetDeviceCount = 0)";
    return s;
  }
  cudaDeviceProp prop{};
  if (const cudaError_t e = cudaGetDeviceProperties(&prop, 0); e != cudaSuccess) {
    cudaGetLastError();
    s.why_not = error_line("cudaGetDeviceProperties", e);
    return s;
  }
  s.name = prop.name;
  s.cc_major = prop.major;
  s.cc_minor = prop.minor;
  if (prop.major < 8) {
    // mma.sync m16n8k16 / m16n8k8 with bf16 and tf32 operands needs sm_80 (PTX ISA), and the
    // kernels are built for sm_80 and sm_90 only.
    s.why_not = s.name + " has compute capability " + std::to_string(prop.major) + "." +
                std::to_string(prop.minor) + "; the CUDA kernels need 8.0 or later";
    return s;
  }
  s.available = true;
  return s;
}

}  // namespace

const Status& status() {
  static const Status s = query();
  return s;
}

}  // namespace numguard::device
