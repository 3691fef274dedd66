// How a kernel computes: the facts its error bound is derived from. A kernel declares its
// recipe; the engine derives the per-element bound from it (docs/error-models.md).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "harness/core/format.h"
#include "harness/core/rounding.h"

namespace numguard {

enum class Order : uint8_t {
  sequential,   // s = ((x1 + x2) + x3) + ...
  pairwise,     // recursive halving, split at n/2 (left gets the smaller half when odd)
  blocked,      // sequential inside blocks of `block`, then sequentially across block sums
  tree,         // levels of sequential sums of `fanin` terms
  compensated,  // Kahan's compensated summation
  split_k,      // `splits` sequential chunks, partials stored in `partial`, summed in order
  fused_block,  // tensor-core block FMA: `block` products and C aligned to the largest
                // exponent, truncated to `frac_bits` fraction bits, summed exactly, rounded
  strided,      // `lanes` threads each sum a strided subset (i = lane, lane + lanes, ...)
                // sequentially, then a butterfly (pairwise) tree across the lanes
  any,          // not documented (vendor libraries): the bound holds for every summation
                // tree of the terms in acc, so for every order, blocking and split
};
inline constexpr int kOrderCount = 9;

struct Accumulation {
  Order order = Order::sequential;
  int block = 0;                  // blocked, fused_block
  int fanin = 0;                  // tree
  int splits = 0;                 // split_k
  Format partial = Format::fp32;  // split_k: format of the stored partials
  int frac_bits = 0;  // fused_block (and split_k whose chunks run fused blocks of `block`):
                      // fraction bits kept below the block's largest exponent
  int lanes = 0;      // strided
  // fused_block: align on the operands' exponent fields (subnormals at the input's emin)
  // rather than on each exact product's exponent, and give +0 for a zero block result:
  // what H100 mma.sync does (docs/GPU_RESULTS.md).
  bool operand_exponents = false;
  // fused_block: the alignment exponent of a zero term (zero products, a zero C); nullopt:
  // zeros take no part (MMA-Sim's e_zero).
  std::optional<int> zero_exponent;
  // fused_block: > 0: each block's result is first truncated to this many fraction bits (fp8
  // on Ada and Hopper keep 13 of fp32's 23).
  int out_frac_bits = 0;
  // fused_block over block-scaled products (kind::mxf4, mxf4nvf4): > 0 when the products are
  // first summed exactly in groups of this many, each group aligned at its scales' exponents.
  // A group of zero products may then pull the alignment up to its scales (the bound allows it:
  // docs/error-models.md, "Zero groups").
  int scale_group = 0;
};

// The input range a kernel promises to handle; outside it a case is a domain limit.
struct Domain {
  double max_abs_input = std::numeric_limits<double>::infinity();
  bool finite_inputs_only = false;
  bool normal_inputs_only = false;  // subnormal inputs are outside the promise
  // alpha may be folded into an operand before the products (vendor GEMMs): |alpha x| must
  // stay finite in the accumulator for every input x.
  bool alpha_scales_inputs = false;
};

// The algorithm of a row or elementwise op (softmax, norms, attention, ...), where the order of
// its sums alone does not say how it computes. `direct` for the reduction family.
enum class Method : uint8_t {
  direct,    // the formula as written (activations, Adam, the reduction family)
  two_pass,  // softmax: max, then sum of exp(x - max); norms: mean, then sum of squares of x - mean
  online,    // softmax: running max and rescaled running sum in one pass (Milakov & Gimelshein)
  welford,   // norms: Welford's running mean and M2
  no_max,    // softmax without the max subtraction: exp(x) directly
  tiled,     // attention: key tiles of `block` with the online-softmax rescale (flash attention)
};
inline constexpr int kMethodCount = 6;

// The stages whose subnormal results a kernel flushes to zero (FTZ).
struct Flush {
  bool products = false;  // each product, before it is summed
  bool acc = false;       // every accumulator operation
  bool out = false;       // the output conversion
  bool any() const { return products || acc || out; }
  bool operator==(const Flush&) const = default;
};

// What a row op returns for a row with nothing to normalize over: a softmax row of only -inf
// logits, an attention row with no visible key.
enum class EmptyRows : uint8_t {
  op_default,  // the op's convention: softmax NaN (PyTorch's softmax), attention 0 (fused
               // attention kernels: FlashAttention, PyTorch's flash and memory-efficient paths)
  nan,         // NaN in every output of the row (0 / 0, PyTorch's math attention)
  zero,        // 0 in every output of the row
};

// What a GEMM does with alpha = 0 and beta = 0.
enum class AlphaBeta : uint8_t {
  blas,        // BLAS: beta = 0 means c is not read, alpha = 0 means a and b are not read
  arithmetic,  // y = alpha * (a b) + beta * c as written: 0 * NaN and 0 * inf are NaN
};

// Block-scaled operands (op mx_gemm): A's rows and B's columns quantized along K in blocks of
// `block` elements into `element`, one `scale` per block (OCP MX: E8M0 per 32; NVFP4: UE4M3 per
// 16 and an fp32 tensor scale), with the specification's scale rule or the round-up one
// (references/mx_block.h).
struct BlockScaling {
  int block = 0;  // 0: the operands are not block-scaled
  Format element = Format::e4m3;
  Format scale = Format::e8m0;
  bool scale_up = false;
  bool operator==(const BlockScaling&) const = default;
};

struct Recipe {
  Format in = Format::fp32;
  std::optional<Format> input_cast;              // inputs rounded to this format before use (cuBLAS
                                                 // 32F_FAST_16F / _16BF / _TF32 compute types)
  Rounding input_cast_rounding = Rounding::rne;  // rne, rna (cvt.rna.tf32.f32) or rz
  std::optional<Format> product;                 // nullopt: products exact (FMA, or exact by width)
  Format acc = Format::fp32;
  Rounding acc_rounding = Rounding::rne;
  Accumulation shape;
  Format out = Format::fp32;
  Rounding out_rounding = Rounding::rne;
  Flush ftz;         // stages whose subnormal results are flushed
  bool daz = false;  // subnormal inputs read as zero: the reference reads them so too
  AlphaBeta alpha_beta = AlphaBeta::blas;
  EmptyRows empty_rows = EmptyRows::op_default;
  Domain domain;
  // Row and elementwise ops: the algorithm, the format intermediates are stored in between
  // passes (nullopt: kept in acc), and the accuracy of the kernel's exp/log/erf/rsqrt in acc.
  Method method = Method::direct;
  std::optional<Format> stage;
  double math_ulps = 0;  // 0: the op uses no transcendental function
  BlockScaling block_scaling;

  std::string summary() const;  // e.g. "in=bf16 prod=exact acc=fp32 blocked(32) out=fp32/rne"
};

std::string_view name(Order o);
std::string_view name(Method m);
std::string_view name(AlphaBeta a);
std::string_view name(EmptyRows e);
std::optional<EmptyRows> empty_rows_from_name(std::string_view s);
std::optional<Order> order_from_name(std::string_view s);
std::optional<Method> method_from_name(std::string_view s);
std::optional<AlphaBeta> alpha_beta_from_name(std::string_view s);
// "none", "all", or a comma list of "products", "acc", "out"; nullopt when malformed.
std::optional<Flush> flush_from_name(std::string_view s);
std::string flush_name(const Flush& f);  // the inverse: "none", "all" or the list

}  // namespace numguard
