// The probe kernel behind mma_probe.h. Fragment layouts: PTX ISA, "Matrix Fragments for
// mma.m16n8k16 / m16n8k8 / m16n8k32" (groupID = lane / 4, threadID_in_group = lane % 4).
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

#include "kernels_under_test/cuda/mma_probe.h"

namespace numguard::cuda {
namespace {

struct Args {
  const uint32_t* a;  // k elements, widened to 32 bits
  const uint32_t* b;
  int k;
  uint32_t c;
  uint32_t* out;
};

__device__ uint32_t elem(const uint32_t* v, int k, int i) {
  return i < k ? v[i] : 0u;
}

// A(r, col) is row 0 of the k-slice starting at k0; B(row, col) is column 0.
__device__ uint32_t a_at(const Args& p, int k0, int r, int col) {
  return r == 0 ? elem(p.a, p.k, k0 + col) : 0u;
}
__device__ uint32_t b_at(const Args& p, int k0, int row, int col) {
  return col == 0 ? elem(p.b, p.k, k0 + row) : 0u;
}
__device__ uint32_t pack16(uint32_t lo, uint32_t hi) {
  return (lo & 0xffffu) | (hi << 16);
}
__device__ inline uint32_t pack8(uint32_t b0, uint32_t b1, uint32_t b2, uint32_t b3) {
  return (b0 & 0xffu) | ((b1 & 0xffu) << 8) | ((b2 & 0xffu) << 16) | ((b3 & 0xffu) << 24);
}

template <int Kind>  // 0: f16 -> f32, 1: bf16 -> f32, 2: f16 -> f16
__global__ void probe16(Args p) {
  const int lane = threadIdx.x, g = lane >> 2, t = lane & 3;
  float d[4] = {0, 0, 0, 0};
  uint32_t h[2] = {0, 0};
  if (lane == 0) {
    if (Kind == 2)
      h[0] = p.c & 0xffffu;
    else
      d[0] = __uint_as_float(p.c);
  }
  for (int k0 = 0; k0 < p.k; k0 += 16) {
    const uint32_t a[4] = {pack16(a_at(p, k0, g, 2 * t), a_at(p, k0, g, 2 * t + 1)),
                           pack16(a_at(p, k0, g + 8, 2 * t), a_at(p, k0, g + 8, 2 * t + 1)),
                           pack16(a_at(p, k0, g, 2 * t + 8), a_at(p, k0, g, 2 * t + 9)),
                           pack16(a_at(p, k0, g + 8, 2 * t + 8), a_at(p, k0, g + 8, 2 * t + 9))};
    const uint32_t b[2] = {pack16(b_at(p, k0, 2 * t, g), b_at(p, k0, 2 * t + 1, g)),
                           pack16(b_at(p, k0, 2 * t + 8, g), b_at(p, k0, 2 * t + 9, g))};
    if (Kind == 0) {
      asm volatile(
          "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, "
          "{%8,%9}, {%0,%1,%2,%3};\n"
          : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
          : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
    } else if (Kind == 1) {
      asm volatile(
          "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, "
          "{%8,%9}, {%0,%1,%2,%3};\n"
          : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
          : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
    } else {
      asm volatile(
          "mma.sync.aligned.m16n8k16.row.col.f16.f16.f16.f16 {%0,%1}, {%2,%3,%4,%5}, {%6,%7}, "
          "{%0,%1};\n"
          : "+r"(h[0]), "+r"(h[1])
          : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
    }
  }
  if (lane == 0) p.out[0] = Kind == 2 ? (h[0] & 0xffffu) : __float_as_uint(d[0]);
}

__global__ void probe_tf32(Args p) {
  const int lane = threadIdx.x, g = lane >> 2, t = lane & 3;
  float d[4] = {0, 0, 0, 0};
  if (lane == 0) d[0] = __uint_as_float(p.c);
  for (int k0 = 0; k0 < p.k; k0 += 8) {
    const uint32_t a[4] = {a_at(p, k0, g, t), a_at(p, k0, g + 8, t), a_at(p, k0, g, t + 4),
                           a_at(p, k0, g + 8, t + 4)};
    const uint32_t b[2] = {b_at(p, k0, t, g), b_at(p, k0, t + 4, g)};
    asm volatile(
        "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
        "{%0,%1,%2,%3};\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
  }
  if (lane == 0) p.out[0] = __float_as_uint(d[0]);
}

template <bool E5m2>
__global__ void probe_fp8(Args p) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 890
  const int lane = threadIdx.x, g = lane >> 2, t = lane & 3;
  float d[4] = {0, 0, 0, 0};
  if (lane == 0) d[0] = __uint_as_float(p.c);
  for (int k0 = 0; k0 < p.k; k0 += 32) {
    auto arow = [&](int r, int c0) {
      return pack8(a_at(p, k0, r, c0), a_at(p, k0, r, c0 + 1), a_at(p, k0, r, c0 + 2),
                   a_at(p, k0, r, c0 + 3));
    };
    auto bcol = [&](int r0, int c) {
      return pack8(b_at(p, k0, r0, c), b_at(p, k0, r0 + 1, c), b_at(p, k0, r0 + 2, c),
                   b_at(p, k0, r0 + 3, c));
    };
    const uint32_t a[4] = {arow(g, 4 * t), arow(g + 8, 4 * t), arow(g, 4 * t + 16),
                           arow(g + 8, 4 * t + 16)};
    const uint32_t b[2] = {bcol(4 * t, g), bcol(4 * t + 16, g)};
    if (E5m2) {
      asm volatile(
          "mma.sync.aligned.m16n8k32.row.col.f32.e5m2.e5m2.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, "
          "{%8,%9}, {%0,%1,%2,%3};\n"
          : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
          : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
    } else {
      asm volatile(
          "mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, "
          "{%8,%9}, {%0,%1,%2,%3};\n"
          : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
          : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
    }
  }
  if (lane == 0) p.out[0] = __float_as_uint(d[0]);
#endif
}

void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess)
    throw std::runtime_error(std::string("mma probe: ") + what + ": " + cudaGetErrorString(e));
}

}  // namespace

bool mma_probe_has_fp8() {
  int dev = 0, major = 0, minor = 0;
  if (cudaGetDevice(&dev) != cudaSuccess) return false;
  cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, dev);
  cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, dev);
  return major * 10 + minor >= 89;
}

uint64_t mma_probe_dot(ProbeInput in, bool f16_acc, const std::vector<uint64_t>& a,
                       const std::vector<uint64_t>& b, uint64_t c) {
  if (a.size() != b.size()) throw std::invalid_argument("mma probe: a and b differ in length");
  if (f16_acc && in != ProbeInput::fp16)
    throw std::invalid_argument("mma probe: fp16 accumulation needs fp16 inputs");
  if ((in == ProbeInput::e4m3 || in == ProbeInput::e5m2) && !mma_probe_has_fp8())
    throw std::runtime_error("mma probe: fp8 mma.sync needs sm_89 or later");
  const int k = static_cast<int>(a.size());
  std::vector<uint32_t> ha(a.begin(), a.end()), hb(b.begin(), b.end());
  uint32_t *da = nullptr, *db = nullptr, *dout = nullptr;
  const size_t bytes = std::max<size_t>(1, ha.size()) * sizeof(uint32_t);
  check(cudaMalloc(&da, bytes), "cudaMalloc");
  check(cudaMalloc(&db, bytes), "cudaMalloc");
  check(cudaMalloc(&dout, sizeof(uint32_t)), "cudaMalloc");
  if (k > 0) {
    check(cudaMemcpy(da, ha.data(), ha.size() * sizeof(uint32_t), cudaMemcpyHostToDevice),
          "copy a");
    check(cudaMemcpy(db, hb.data(), hb.size() * sizeof(uint32_t), cudaMemcpyHostToDevice),
          "copy b");
  }
  const Args args{da, db, k, static_cast<uint32_t>(c), dout};
  switch (in) {
    case ProbeInput::fp16:
      if (f16_acc)
        probe16<2><<<1, 32>>>(args);
      else
        probe16<0><<<1, 32>>>(args);
      break;
    case ProbeInput::bf16:
      probe16<1><<<1, 32>>>(args);
      break;
    case ProbeInput::tf32:
      probe_tf32<<<1, 32>>>(args);
      break;
    case ProbeInput::e4m3:
      probe_fp8<false><<<1, 32>>>(args);
      break;
    case ProbeInput::e5m2:
      probe_fp8<true><<<1, 32>>>(args);
      break;
  }
  check(cudaGetLastError(), "launch");
  uint32_t out = 0;
  check(cudaMemcpy(&out, dout, sizeof(uint32_t), cudaMemcpyDeviceToHost), "copy out");
  cudaFree(da);
  cudaFree(db);
  cudaFree(dout);
  return out;
}

}  // namespace numguard::cuda
