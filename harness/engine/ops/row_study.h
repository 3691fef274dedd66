// What the row and elementwise ops share in their study hooks (op_study.h): the range study's
// row patterns and the statistics their cliffs are computed from.
#pragma once

#include <string>
#include <vector>

#include "harness/engine/op_study.h"

namespace numguard::ops {

// Row length of every row pattern: long enough for a reduction's accumulator to grow, short
// enough that a sweep of a few hundred scales with bisections stays fast.
inline constexpr int64_t kPatternRow = 64;

double uniform_pm1(Rng& r);

// The accumulation study of a row op: its reference is MPFR (about a microsecond per element),
// so its sweep stops at 2^max_log2_n_full (2^14 quick) except on the normal distribution,
// which continues to 2^20 in full sweeps; `work` terms per point (docs/studies-accumulation.md
// has the measured costs).
AccumulationSpec row_accumulation(std::string length_meaning, std::string noun,
                                  std::function<Problem(const AccumulationInputs&)> build,
                                  int max_log2_n_full = 16, int64_t work_quick = 1 << 10,
                                  int64_t work_full = 1 << 12);

// m rows of n values uniform in [-1, 1] as operand a, the scaled one.
void row_pattern(RangePattern& p, Rng& r, int64_t m, int64_t n);

// Each row's largest-magnitude value made positive: every row's max is then its largest |x|.
void positive_row_maxima(std::vector<double>& v, int64_t rows, int64_t n);

struct RowStats {
  double max_range = 0;   // max over rows of (max - min)
  double max_sumsq = 0;   // max over rows of sum of squares (of deviations when centered)
  double max_sumabs = 0;  // max over rows of sum |x|
  double max_abs = 0;     // max |x|
};
RowStats row_stats(const std::vector<double>& v, int64_t rows, int64_t n, bool centered);

// Largest |value| of a scaled operand's most negative entry: exp(-s |min|) is the smallest
// exponential the pattern makes.
double most_negative(const std::vector<double>& v);

// The t > 0 with f(t) = y for f increasing on (0, hi], by bisection.
template <class F>
double solve_increasing(F f, double y, double hi) {
  double lo = 0;
  for (int i = 0; i < 200; ++i) {
    const double mid = (lo + hi) / 2;
    (f(mid) < y ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

// x with erfc(x) = y for y in (0, 1], by bisection on double's erfc (monotone decreasing).
double erfc_inverse(double y);

std::string fname(Format f);
std::string num(double v);  // 6 significant digits

}  // namespace numguard::ops
