// Row layernorm (two-pass, Welford) and rmsnorm forward, one warp per row (kernels and order:
// norms.cuh; twins: register_norms.cpp), for fp16, bf16 and fp32 rows, and the Welford
// equal-count mutant (kernels_under_test/mutants/cuda_layernorm_welford_equal_count.cpp).
#include "kernels_under_test/cuda/norms.cuh"

namespace numguard::cuda {
namespace {

template <class Io>
Bits norm_in(NormKind kind, int64_t m, int64_t n, const Bits& a, const Bits& g, const Bits& b,
             float eps) {
  using namespace detail;
  switch (kind) {
    case NormKind::layernorm_two_pass:
      return run_norm_warp<Io, NormKind::layernorm_two_pass, false>(m, n, a, g, b, eps);
    case NormKind::layernorm_welford:
      return run_norm_warp<Io, NormKind::layernorm_welford, false>(m, n, a, g, b, eps);
    case NormKind::rmsnorm:
      return run_norm_warp<Io, NormKind::rmsnorm, false>(m, n, a, g, b, eps);
  }
  throw std::invalid_argument("norm_warp: unknown kind");
}

}  // namespace

Bits norm_warp(RowInput in, NormKind kind, int64_t m, int64_t n, const Bits& a, const Bits& gamma,
               const Bits& beta, float eps) {
  switch (in) {
    case RowInput::fp16:
      return norm_in<detail::Fp16Io>(kind, m, n, a, gamma, beta, eps);
    case RowInput::bf16:
      return norm_in<detail::Bf16Io>(kind, m, n, a, gamma, beta, eps);
    case RowInput::fp32:
      return norm_in<detail::Fp32Io>(kind, m, n, a, gamma, beta, eps);
  }
  throw std::invalid_argument("norm_warp: unknown input format");
}

Bits mutant_layernorm_warp_welford_equal_count(int64_t m, int64_t n, const Bits& a,
                                               const Bits& gamma, const Bits& beta, float eps) {
  return detail::run_norm_warp<detail::Fp16Io, NormKind::layernorm_welford, true>(m, n, a, gamma,
                                                                                  beta, eps);
}

}  // namespace numguard::cuda
