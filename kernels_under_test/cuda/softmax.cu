// Row softmax and log_softmax, one warp per row (kernels and order: softmax.cuh; twins:
// register_softmax.cpp), for fp16, bf16 and fp32 rows, and the wrong-shuffle-offset mutant
// (kernels_under_test/mutants/cuda_softmax_wrong_shuffle_offset.cpp).
#include "kernels_under_test/cuda/softmax.cuh"

namespace numguard::cuda {
namespace {

template <class Io>
Bits softmax_in(SoftmaxKind kind, int64_t m, int64_t n, const Bits& a) {
  using namespace detail;
  switch (kind) {
    case SoftmaxKind::two_pass:
      return run_softmax_warp<Io, SoftmaxKind::two_pass, false>(m, n, a);
    case SoftmaxKind::online:
      return run_softmax_warp<Io, SoftmaxKind::online, false>(m, n, a);
    case SoftmaxKind::log_two_pass:
      return run_softmax_warp<Io, SoftmaxKind::log_two_pass, false>(m, n, a);
  }
  throw std::invalid_argument("softmax_warp: unknown kind");
}

}  // namespace

Bits softmax_warp(RowInput in, SoftmaxKind kind, int64_t m, int64_t n, const Bits& a) {
  switch (in) {
    case RowInput::fp16:
      return softmax_in<detail::Fp16Io>(kind, m, n, a);
    case RowInput::bf16:
      return softmax_in<detail::Bf16Io>(kind, m, n, a);
    case RowInput::fp32:
      return softmax_in<detail::Fp32Io>(kind, m, n, a);
  }
  throw std::invalid_argument("softmax_warp: unknown input format");
}

Bits mutant_softmax_warp_wrong_shuffle_offset(int64_t m, int64_t n, const Bits& a) {
  return detail::run_softmax_warp<detail::Fp16Io, SoftmaxKind::two_pass, true>(m, n, a);
}

}  // namespace numguard::cuda
