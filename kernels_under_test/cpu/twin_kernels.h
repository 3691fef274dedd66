// The arithmetic of the CUDA kernels of kernels_under_test/cuda/, reproduced bit for bit on the
// CPU: the twins (twin_mma.cpp, twin_reductions.cpp) and the CPU mutant twins
// (mutants/cuda_*.cpp) are built from these pieces, and the CUDA kernels' registrations take
// their recipes from here, so a CUDA kernel and its twin cannot declare different recipes.
// The orders are stated in docs/kernels.md, "CUDA kernels".
#pragma once

#include <algorithm>
#include <array>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "kernels_under_test/cpu/reduction_kernel.h"
#include "kernels_under_test/cpu/tensor_core_algorithm.h"
#include "kernels_under_test/cpu/twin_arch.h"

namespace numguard::kernels {

// ---------------------------------------------------------------------------------------
// Tensor-core GEMMs (gemm_mma.cu): 64x64 block tiles, 32-wide K tiles in increasing k, one
// mma.sync per 16 (fp16, bf16) or 8 (tf32) k inside a tile, so every output element is one
// chain of mma instructions over k = 0, 16, 32, ... through the fp32 (or fp16) accumulator.
// An m16n8k16 instruction is one hopper block of 16, two ampere blocks of 8 or four volta
// blocks of 4 (an m16n8k8 tf32 one: one hopper block of 8, two ampere blocks of 4), so the
// chain is the model's chained blocks of b from k = 0 whatever the architecture. K past the
// end is zero padding inside the last instruction: the padded products are exact zeros, which
// neither move the block's largest exponent nor add anything after truncation, so the block
// model of the shorter block is exact (tensor_core_model.h); instructions wholly past K are
// not issued.

// "fused_block" with the architecture's block and fraction bits, accumulator fp32 (RZ) or
// fp16 (RNE), output = accumulator.
Recipe mma_gemm_recipe(std::string_view arch, Format in, Format acc);

// Runs the twin of a tensor-core GEMM with the model of `arch`.
void run_mma_gemm(std::string_view arch, Format in, Format acc, const Problem& p, Tensor& out);

// Split-K over the same tiles: K is cut into chunks of ceil(K / splits) consecutive k (the
// last holds the remainder; a chunk starting at or past K does not exist), each chunk is a
// chain of blocks starting at its first k from C = +0 (its partial, fp32, RZ), and a second
// kernel sums the partials in chunk order in fp32 with round-to-nearest-even:
// ((p0 + p1) + p2) + p3.
struct MmaSplitK {
  tc::TcModel model;
  int splits = 4;
  // Mutant (mutants/cuda_splitk_fp16_reduce.cpp): each partial rounded to fp16 and the
  // partials summed in fp16.
  bool fp16_partials = false;

  template <class R, bool P>
  double operator()(const R& round, const Terms<P>& t) const {
    if constexpr (!P) {
      throw std::logic_error("split-K tensor-core kernels reduce products, not sums");
    } else {
      if (t.k == 0) return 0.0;
      const int64_t chunk = (t.k + splits - 1) / splits;
      const NarrowRound half(Format::fp16);
      double total = 0.0;
      for (int64_t lo = 0; lo < t.k; lo += chunk) {
        const auto len = static_cast<size_t>(std::min(chunk, t.k - lo));
        double part = tc::mma_dot_values(model, std::span(t.a + lo, len), std::span(t.b + lo, len),
                                         0.0, Format::fp32);
        if (fp16_partials) part = half(part);
        if (lo == 0) {
          total = part;
        } else {
          total = fp16_partials ? add(half, total, part) : add(round, total, part);
        }
      }
      return total;
    }
  }
};

// "split_k" (splits, fp32 partials, the architecture's block and fraction bits), acc fp32/RZ.
Recipe mma_splitk_recipe(std::string_view arch, Format in, int splits);

// Runs the split-K twin (fp16 in, fp32 out) with the model of `arch`.
void run_mma_splitk(std::string_view arch, int splits, bool fp16_partials, const Problem& p,
                    Tensor& out);

// Mutant (mutants/cuda_dropped_k_tail.cpp): the K loop runs over whole 32-wide tiles only.
void run_mma_gemm_dropping_k_tail(std::string_view arch, Format in, const Problem& p, Tensor& out);

// ---------------------------------------------------------------------------------------
// Strided reductions over lanes (reductions.cu): lane l of `lanes` sums the terms l,
// l + lanes, l + 2*lanes, ... sequentially in fp32 starting from +0 (an FMA per term for dot
// and sumsq, an addition for sum); then a butterfly: for each offset o in order, every lane
// becomes RN(v[l] + v[l ^ o]), and the result is lane 0's. With all log2(lanes) offsets every
// lane ends holding the same value (IEEE addition commutes).
struct StridedButterfly {
  int lanes = 32;
  std::array<int, 8> offsets{16, 8, 4, 2, 1};
  int levels = 5;
  bool squares = false;  // sumsq: the terms are a_i * a_i, fused

  template <class R, bool P>
  double operator()(const R& round, const Terms<P>& t) const {
    std::vector<double> v(static_cast<size_t>(lanes), 0.0), w(v.size());
    for (int l = 0; l < lanes; ++l) {
      double acc = 0.0;
      for (int64_t i = l; i < t.k; i += lanes) {
        double x;
        if constexpr (P) {
          x = t[i];
        } else {
          x = squares ? t.a[i] * t.a[i] : t.a[i];  // exact in double
        }
        acc = add(round, acc, x);
      }
      v[static_cast<size_t>(l)] = acc;
    }
    for (int level = 0; level < levels; ++level) {
      const int o = offsets[static_cast<size_t>(level)];
      for (int l = 0; l < lanes; ++l)
        w[static_cast<size_t>(l)] =
            add(round, v[static_cast<size_t>(l)], v[static_cast<size_t>(l ^ o)]);
      std::swap(v, w);
    }
    return v[0];
  }
};

// One warp per row: 32 lanes, offsets 16, 8, 4, 2, 1.
inline StridedButterfly warp_butterfly(bool squares) {
  return {.lanes = 32, .offsets = {16, 8, 4, 2, 1}, .levels = 5, .squares = squares};
}
// One 256-thread block per dot product: within each warp offsets 16, 8, 4, 2, 1, then the 8
// warp sums by offsets 4, 2, 1 over the warp index, i.e. thread offsets 128, 64, 32.
inline StridedButterfly block_butterfly() {
  return {.lanes = 256, .offsets = {16, 8, 4, 2, 1, 128, 64, 32}, .levels = 8, .squares = false};
}

// "strided" with `lanes`, fp32 accumulation, products fused, fp32 output.
Recipe strided_recipe(std::string_view op, Format in, int lanes);

// Runs a strided reduction twin: op "sum" / "sumsq" (rows of a) or "dot" (any m x n).
void run_strided(const StridedButterfly& algo, std::string_view op, Format in, const Problem& p,
                 Tensor& out);

// ---------------------------------------------------------------------------------------
// Registering a twin: a CPU kernel named `<cuda kernel>.twin` whose twin_of names the CUDA
// kernel back (so tables that skip CUDA kernels and their twins can tell a twin).
void register_twin(std::string cuda_name, std::string_view op, Recipe recipe, KernelFn run);
// The twin's descriptor without registering it.
KernelDesc twin_kernel(std::string cuda_name, std::string_view op, Recipe recipe, KernelFn run);

}  // namespace numguard::kernels
