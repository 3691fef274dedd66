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
};

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

struct Recipe {
  Format in = Format::fp32;
  std::optional<Format> input_cast;  // inputs rounded to this format before use (cuBLAS
                                     // 32F_FAST_16F / _16BF / _TF32 compute types)
  std::optional<Format> product;     // nullopt: products exact (FMA, or exact by width)
  Format acc = Format::fp32;
  Rounding acc_rounding = Rounding::rne;
  Accumulation shape;
  Format out = Format::fp32;
  Rounding out_rounding = Rounding::rne;
  bool ftz = false;  // subnormal results flushed
  bool daz = false;  // subnormal inputs read as zero
  Domain domain;
  // Row and elementwise ops: the algorithm, the format intermediates are stored in between
  // passes (nullopt: kept in acc), and the accuracy of the kernel's exp/log/erf/rsqrt in acc.
  Method method = Method::direct;
  std::optional<Format> stage;
  double math_ulps = 0;  // 0: the op uses no transcendental function

  std::string summary() const;  // e.g. "in=bf16 prod=exact acc=fp32 blocked(32) out=fp32/rne"
};

std::string_view name(Order o);
std::string_view name(Method m);

}  // namespace numguard
