// A GEMM that launches its grid without checking for an empty output: M or N = 0 gives a grid
// of zero blocks, which CUDA rejects as an invalid launch configuration, so the call fails where
// BLAS and PyTorch return at once (an empty output has nothing to write; K = 0 is not empty).
// Only api_corners draws M = 0 or N = 0 (tests/cli_corner_test.sh shows the others pass it).
#include <stdexcept>

#include "kernels_under_test/cpu/sequential.h"
#include "kernels_under_test/mutants/register_mutant.h"

namespace numguard::kernels {
namespace {

const bool registered = [] {
  const Sequential algo;
  const Arithmetic actual{.in = Format::fp32, .acc = Format::fp32, .out = Format::fp32};
  register_mutant(
      "mutant.gemm.fp32.empty_grid_error", "gemm", "gemm.fp32.fp32acc.sequential",
      "an empty output (M or N = 0) launches a grid of zero blocks and fails (invalid "
      "configuration) instead of returning",
      "empty_output=error",
      reduction_recipe("gemm", Format::fp32, Format::fp32, algo.shape(), Sequential::fuses_products,
                       Format::fp32),
      [algo, actual](const Problem& p, Tensor& y) {
        if (p.m == 0 || p.n == 0)
          throw std::runtime_error("launch failed: invalid configuration argument (grid " +
                                   std::to_string((p.n + 127) / 128) + " x " +
                                   std::to_string((p.m + 127) / 128) + ")");
        run_reduction(algo, actual, p, y);
      });
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
