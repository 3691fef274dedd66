// Exact dot products and sums in plain double arithmetic: the fast path of the exact
// references. The integer window of references/exact_accumulator.h takes everything this path
// declines, so results are the same bit for bit (properties/split_dot_test.cpp checks it).
//
// Every value of the input formats up to fp32 is a float, and each product a_i b_i is exact in
// double (in float too for fp16, bf16 within a range, and the fp8 formats). The products are summed
// with no rounding at all by error-free splitting (the extraction step of Rump, Ogita and Oishi's
// AccSum; the bins of Demmel and Nguyen's reproducible summation work the same way): an accumulator
// A that starts at 1.5 * 2^(t + 52) takes a term x as A' = A + x, which rounds x to a multiple of
// 2^t; then d = A' - A is that rounded part, exactly, and x - d is the exact rest, passed on to the
// next accumulator, whose split point is lower. The split points come from the operands' exponent
// range (docs/references.md, "split accumulation") so that no accumulator leaves its binade
// and the last one, holding the rests, never rounds within 2^10 terms per lane; every 2^10
// terms per lane the lanes are folded into an integer window. One term costs a multiply and
// 3 operations per split point plus one add, in 4 lanes with AVX (chosen at run time) or 2.
#pragma once

#include <array>
#include <climits>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "harness/core/format.h"
#include "harness/core/rounding.h"
#include "references/exact_real.h"

namespace numguard::split_dot {

// One operand decoded to floats (every value of every format but fp64 is one), with what the
// split points are chosen from.
struct Operand {
  std::span<const float> values;
  int max_exp = INT_MIN;   // every |x| < 2^(max_exp + 1); INT_MIN when every value is zero
  int min_lsb = INT_MAX;   // every x is an integer multiple of 2^min_lsb
  bool nonfinite = false;  // a NaN or inf was seen (fp16, e4m3, e5m2: not looked for; the
                           // sums find them and the path declines either way)
  int frac_bits = 23;      // fraction bits of the values' format (tf32 read as fp32: 23)
};

// Decodes `bits` of format `f` into `out` (exactly, as decode() does; bits above the storage
// width are ignored) and returns the operand over `out`. Throws std::invalid_argument for fp64.
Operand decode(Format f, std::span<const uint64_t> bits, float* out);
// The operand over values already decoded from format `f`.
Operand describe(Format f, std::span<const float> values);

struct Result {
  static constexpr int kLimbs = 7;
  bool negative = false;
  int64_t lsb_exp = 0;                 // value = mag * 2^lsb_exp, mag nonzero
  std::array<uint64_t, kLimbs> mag{};  // little-endian 64-bit limbs
  double abs_sum = 0;  // sum |a_i b_i| in double (relative error at most (n - 1) 2^-53)
  double max_abs = 0;  // the largest |a_i b_i|

  Unpacked unpacked() const;
  ExactReal exact_real() const;
};

// sum a_i b_i exactly, or nullopt where the path declines: a NaN or inf, an exact zero sum (its
// sign depends on every term's sign) or an exponent span wider than three split points cover
// (about 160 bits of products). `stats` also fills abs_sum and max_abs. Throws
// std::invalid_argument on a length mismatch.
std::optional<Result> dot(const Operand& a, const Operand& b, bool stats = false);
// sum x_i exactly, on the same terms.
std::optional<Result> sum(const Operand& x, bool stats = false);

// The split points (exponents t: the first accumulator rounds to multiples of 2^t[0], ...) for
// terms below 2^hi that are integer multiples of 2^lo, with 2^10 terms per lane between folds;
// nullopt where more than three would be needed. Exposed for tests and docs/references.md.
std::optional<std::vector<int>> split_points(int hi, int lo);

// Which kernels run: the best this CPU has (AVX2 and F16C where present; the default) or the
// portable ones every CPU runs. For tests and benchmarks; not thread-safe against running dots.
enum class Isa { best, portable };
void use_isa(Isa isa);
// The kernels in use now: "avx2" or "portable".
const char* isa_name();

}  // namespace numguard::split_dot
