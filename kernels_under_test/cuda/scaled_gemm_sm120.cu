// The block-scaled GEMM behind scaled_gemm_sm120.h: one warp per 16 x 8 output tile, walking K
// in increasing steps of 32, one mma.sync.m16n8k32 kind::mxf8f6f4 per step, its accumulator
// the chain's C (so each element is the twin's chain of blocks: docs/kernels.md, "CUDA
// kernels"). Operands are read straight from global memory into the fragments
// scaled_mma_fragments.h defines (and properties/scaled_mma_fragments_test.cpp checks): a
// kernel under test, written for a clear order, not for speed. Compiled only for sm_120a /
// sm_121a (kernels_under_test/cuda/CMakeLists.txt).
#include <cuda_runtime.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels_under_test/cuda/mma_probe.h"
#include "kernels_under_test/cuda/scaled_gemm_sm120.h"
#include "kernels_under_test/cuda/scaled_mma_fragments.h"

namespace numguard::cuda {
namespace {

namespace fr = fragments;

constexpr int kWarps = 4;  // per block

__global__ void __launch_bounds__(32 * kWarps) scaled_gemm_sm120_kernel(fr::Gemm x, float* out) {
#if defined(__CUDA_ARCH_FEAT_SM120_ALL) || defined(__CUDA_ARCH_FEAT_SM121_ALL)
  const int lane = threadIdx.x & 31, g = lane >> 2, t = lane & 3;
  const int tile = blockIdx.x * kWarps + (threadIdx.x >> 5);
  const int tiles_n = (x.n + 7) / 8;
  const int row0 = tile / tiles_n * 16, col0 = tile % tiles_n * 8;
  if (row0 >= x.m) return;  // the whole warp: tile is warp-uniform
  float d[4] = {0.0f, 0.0f, 0.0f, 0.0f};
  for (int k0 = 0; k0 < x.k; k0 += 32) {
    const uint32_t a[4] = {
        fr::gemm_a_reg(x, row0, k0, g, t, 0), fr::gemm_a_reg(x, row0, k0, g, t, 1),
        fr::gemm_a_reg(x, row0, k0, g, t, 2), fr::gemm_a_reg(x, row0, k0, g, t, 3)};
    const uint32_t b[2] = {fr::gemm_b_reg(x, col0, k0, g, t, 0),
                           fr::gemm_b_reg(x, col0, k0, g, t, 1)};
    const uint32_t sa = fr::gemm_scale_a(x, row0, k0, lane),
                   sb = fr::gemm_scale_b(x, col0, k0, lane);
    asm volatile(
        "mma.sync.aligned.m16n8k32.row.col.kind::mxf8f6f4.block_scale.scale_vec::1X.f32.e4m3.e4m3."
        "f32.ue8m0 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3}, %10, {0, 0}, %11, {0, "
        "0};\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]), "r"(sa), "r"(sb));
  }
  // D fragment: d0, d1 at row g, columns 2t and 2t + 1; d2, d3 at row g + 8.
  for (int q = 0; q < 4; ++q) {
    const int row = row0 + g + (q >= 2 ? 8 : 0), col = col0 + 2 * t + (q & 1);
    if (row < x.m && col < x.n) out[static_cast<long long>(row) * x.n + col] = d[q];
  }
#else
  __trap();  // built for sm_120a / sm_121a only
#endif
}

void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess)
    throw std::runtime_error(std::string("scaled_gemm_sm120: ") + what + ": " +
                             cudaGetErrorString(e));
}

template <class T>
struct DeviceBuffer {
  T* p = nullptr;
  explicit DeviceBuffer(size_t n) { check(cudaMalloc(&p, (n ? n : 1) * sizeof(T)), "cudaMalloc"); }
  ~DeviceBuffer() { cudaFree(p); }
  DeviceBuffer(DeviceBuffer&& o) noexcept : p(o.p) { o.p = nullptr; }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
};

// Bytes of a bit buffer on the device.
DeviceBuffer<uint8_t> bytes_on_device(const Bits& v) {
  const std::vector<uint8_t> h(v.begin(), v.end());
  DeviceBuffer<uint8_t> d(h.size());
  if (!h.empty()) check(cudaMemcpy(d.p, h.data(), h.size(), cudaMemcpyHostToDevice), "copy in");
  return d;
}

}  // namespace

bool scaled_gemm_sm120_runs(std::string* why_not) {
  return mma_probe_has_block_scaled(why_not);  // the same sm_120a / sm_121a code object
}

Bits scaled_gemm_sm120(GemmShape s, const Bits& a, const Bits& b, const Bits& sa, const Bits& sb) {
  const int64_t kb = (s.k + 31) / 32;
  if (s.m < 0 || s.n < 0 || s.k < 0 || s.m * s.k != static_cast<int64_t>(a.size()) ||
      s.k * s.n != static_cast<int64_t>(b.size()) || s.m * kb != static_cast<int64_t>(sa.size()) ||
      kb * s.n != static_cast<int64_t>(sb.size()))
    throw std::invalid_argument("scaled_gemm_sm120: buffers do not match m, n, k");
  if (s.m > (1 << 30) || s.n > (1 << 30) || s.k > (1 << 30))
    throw std::invalid_argument("scaled_gemm_sm120: a dimension past 2^30");
  std::string why;
  if (!scaled_gemm_sm120_runs(&why)) throw std::runtime_error("scaled_gemm_sm120: " + why);
  Bits out(static_cast<size_t>(s.m * s.n), 0);
  if (out.empty()) return out;
  const DeviceBuffer<uint8_t> da = bytes_on_device(a), db = bytes_on_device(b),
                              dsa = bytes_on_device(sa), dsb = bytes_on_device(sb);
  DeviceBuffer<float> dout(out.size());
  const fr::Gemm x{da.p,
                   db.p,
                   dsa.p,
                   dsb.p,
                   static_cast<int>(s.m),
                   static_cast<int>(s.n),
                   static_cast<int>(s.k),
                   static_cast<int>(kb)};
  const int64_t tiles = (s.m + 15) / 16 * ((s.n + 7) / 8);
  scaled_gemm_sm120_kernel<<<static_cast<unsigned>((tiles + kWarps - 1) / kWarps), 32 * kWarps>>>(
      x, dout.p);
  check(cudaGetLastError(), "launch");
  std::vector<uint32_t> h(out.size());
  check(cudaMemcpy(h.data(), dout.p, h.size() * sizeof(uint32_t), cudaMemcpyDeviceToHost),
        "copy out");
  for (size_t i = 0; i < h.size(); ++i) out[i] = h[i];
  return out;
}

}  // namespace numguard::cuda
