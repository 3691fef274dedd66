// The block-scaled probe behind mma_probe.h: one warp running a chain of block-scaled mma.sync
// instructions in which only row 0 of A, column 0 of B and C[0][0] are nonzero, so D[0][0] is
// c + sum_i (a_i sa_(i/block)) (b_i sb_(i/block)) in RTX Blackwell's matrix unit.
//
// Compiled only for sm_120a / sm_121a (kernels_under_test/cuda/CMakeLists.txt); the registers'
// contents and their sources are in scaled_mma_fragments.h.
#include <cuda_runtime.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels_under_test/cuda/block_scaled_mma.cuh"
#include "kernels_under_test/cuda/cuda_common.cuh"
#include "kernels_under_test/cuda/mma_probe.h"

namespace numguard::cuda {
namespace {

namespace fr = fragments;
using detail::check;

struct ScaledArgs {
  fr::Dot dot;
  uint32_t c;
  uint32_t* out;
};

template <ScaledProbeInput In>
__global__ void probe_scaled(ScaledArgs p) {
#if defined(__CUDA_ARCH_FEAT_SM120_ALL) || defined(__CUDA_ARCH_FEAT_SM121_ALL)
  const int lane = threadIdx.x, g = lane >> 2, t = lane & 3;
  const fr::Dot& v = p.dot;
  float d[4] = {0, 0, 0, 0};
  if (lane == 0) d[0] = __uint_as_float(p.c);
  for (int k0 = 0; k0 < v.n; k0 += fr::instruction_k(In)) {
    const uint32_t a[4] = {fr::a_reg(In, v, k0, g, t, 0), fr::a_reg(In, v, k0, g, t, 1),
                           fr::a_reg(In, v, k0, g, t, 2), fr::a_reg(In, v, k0, g, t, 3)};
    const uint32_t b[2] = {fr::b_reg(In, v, k0, g, t, 0), fr::b_reg(In, v, k0, g, t, 1)};
    fr::block_scaled_mma<In>(d, a, b, fr::scale_reg(In, v, v.sa, k0, g),
                             fr::scale_reg(In, v, v.sb, k0, g));
  }
  if (lane == 0) p.out[0] = __float_as_uint(d[0]);
#else
  __trap();  // built for sm_120a / sm_121a only
#endif
}

// Device buffers of the probe, freed on every path.
struct Buffers {
  uint32_t* p[5] = {};
  ~Buffers() {
    for (uint32_t* q : p) cudaFree(q);
  }
  uint32_t* put(int i, const std::vector<uint64_t>& v) {
    const std::vector<uint32_t> h(v.begin(), v.end());
    check(cudaMalloc(&p[i], std::max<size_t>(1, h.size()) * sizeof(uint32_t)), "cudaMalloc");
    if (!h.empty())
      check(cudaMemcpy(p[i], h.data(), h.size() * sizeof(uint32_t), cudaMemcpyHostToDevice),
            "copy in");
    return p[i];
  }
};

}  // namespace

uint64_t mma_probe_scaled_dot(ScaledProbeInput in, const std::vector<uint64_t>& a,
                              const std::vector<uint64_t>& b, const std::vector<uint64_t>& sa,
                              const std::vector<uint64_t>& sb, uint64_t c) {
  if (a.size() != b.size())
    throw std::invalid_argument("block-scaled mma probe: a and b differ in length");
  const size_t block = static_cast<size_t>(scaled_probe_block(in));
  const size_t blocks = (a.size() + block - 1) / block;
  if (sa.size() < blocks || sb.size() < blocks)
    throw std::invalid_argument("block-scaled mma probe: one scale per " + std::to_string(block) +
                                " elements of a and of b");
  std::string why;
  if (!mma_probe_has_block_scaled(&why)) throw std::runtime_error(why);
  Buffers buf;
  const ScaledArgs args{{buf.put(0, a), buf.put(1, b), buf.put(2, sa), buf.put(3, sb),
                         static_cast<int>(a.size()), static_cast<int>(blocks)},
                        static_cast<uint32_t>(c),
                        buf.put(4, {0})};
  switch (in) {
    case ScaledProbeInput::mxf8f6f4_e4m3:
      probe_scaled<ScaledProbeInput::mxf8f6f4_e4m3><<<1, 32>>>(args);
      break;
    case ScaledProbeInput::mxf4_e2m1:
      probe_scaled<ScaledProbeInput::mxf4_e2m1><<<1, 32>>>(args);
      break;
    case ScaledProbeInput::mxf4nvf4_e2m1:
      probe_scaled<ScaledProbeInput::mxf4nvf4_e2m1><<<1, 32>>>(args);
      break;
  }
  check(cudaGetLastError(), "launch");
  uint32_t out = 0;
  check(cudaMemcpy(&out, args.out, sizeof(uint32_t), cudaMemcpyDeviceToHost), "copy out");
  return out;
}

bool mma_probe_has_block_scaled(std::string* why_not) {
  // An image for this device only where it is sm_120a or sm_121a code's GPU.
  return detail::runs_here(
      reinterpret_cast<const void*>(probe_scaled<ScaledProbeInput::mxf8f6f4_e4m3>),
      "block-scaled mma.sync needs RTX Blackwell (sm_120 / sm_121)", why_not);
}

}  // namespace numguard::cuda
