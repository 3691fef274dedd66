// Exact dot products and sums by fixed-point accumulation, the fast second reference beside
// MPFR (docs/DESIGN.md principle 2). Values travel as bit patterns of one input format; products
// and sums are exact integers in a window sized for that format (references/fixed_window.h,
// sizes in docs/references.md), and the result is read as an exact Unpacked that round_to()
// rounds once into any format and mode.
//
// Every Format is accepted as input (fp16, bf16, tf32, fp32, e4m3, e5m2, and fp64). Bits above
// the storage width are ignored; a tf32 pattern with nonzero padding bits is read as the fp32
// value it encodes, as decode() does.
//
// Special values (IEEE 754-2019 7.2 and 6.1): a NaN input, inf * 0 or +inf + -inf give NaN;
// infinite terms of one sign give that infinity. Sign of an exact zero (IEEE 754-2019 6.3,
// as mpfr_sum applies it to n terms): if every term is a zero of one sign, that sign; any
// other exact zero (cancellation, or zeros of both signs) is +0, or -0 when rounding toward
// -inf. No terms at all give +0.
#pragma once

#include <cstdint>
#include <span>
#include <variant>
#include <vector>

#include "harness/core/format.h"
#include "harness/core/rounding.h"
#include "references/exact_real.h"
#include "references/fixed_window.h"
#include "references/gemm_problem.h"

namespace numguard {

class ExactAccumulator {
 public:
  explicit ExactAccumulator(Format in);

  Format input_format() const { return in_; }
  // Number of terms added since construction or clear().
  uint64_t terms() const { return terms_; }
  // Terms one accumulator can take before its window could overflow (2^47 for fp16).
  uint64_t capacity() const;

  // += sum_i a[i] * b[i]. Throws std::invalid_argument on a length mismatch and
  // std::length_error past capacity().
  void add_dot(std::span<const uint64_t> a, std::span<const uint64_t> b);
  // += sum_i x[i].
  void add_sum(std::span<const uint64_t> x);
  void clear();

  // The exact value; `mode` only decides the sign of an exact zero (see above).
  Unpacked exact(Rounding mode = Rounding::rne) const;
  // The same value with every bit kept, for exact arithmetic on the result (GEMM epilogue).
  ExactReal exact_real(Rounding mode = Rounding::rne) const;
  RoundResult round(Format out, const RoundOptions& opt = {}) const {
    return round_to(out, exact(opt.mode), opt);
  }

 private:
  // Everything that is not the finite window sum.
  struct Flags {
    bool nan = false, pos_inf = false, neg_inf = false;
    bool nonzero = false, pos_zero = false, neg_zero = false;
  };
  template <class T, bool Products>
  static void add_special(uint64_t x, uint64_t y, Flags& f);
  template <class T, bool Products>
  void accumulate(std::span<const uint64_t> a, std::span<const uint64_t> b);
  // NaN or inf from the special terms; false when the result is the finite window sum.
  bool special_result(Unpacked& u) const;
  bool zero_is_negative(Rounding mode) const;

  Format in_;
  uint64_t terms_ = 0;
  Flags flags_;
  std::variant<fixed_window::Int128Window, fixed_window::ChunkWindow<9>,
               fixed_window::ChunkWindow<66>>
      window_;
};

// The three ops, exact and rounded once. gemm results are row-major; with Rounding::sr the
// elements draw from opt.rng in row-major order.
namespace fixed_ref {

Unpacked dot_exact(Format in, std::span<const uint64_t> a, std::span<const uint64_t> b,
                   Rounding mode = Rounding::rne);
RoundResult dot(Format in, std::span<const uint64_t> a, std::span<const uint64_t> b, Format out,
                const RoundOptions& opt = {});
Unpacked sum_exact(Format in, std::span<const uint64_t> x, Rounding mode = Rounding::rne);
RoundResult sum(Format in, std::span<const uint64_t> x, Format out, const RoundOptions& opt = {});
std::vector<Unpacked> gemm_exact(const GemmProblem& p, Rounding mode = Rounding::rne);
std::vector<RoundResult> gemm(const GemmProblem& p, Format out, const RoundOptions& opt = {});

}  // namespace fixed_ref
}  // namespace numguard
