#include "harness/engine/ops/row_study.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace numguard::ops {

double uniform_pm1(Rng& r) {
  return r.uniform(-1, 1);
}

AccumulationSpec row_accumulation(std::string length_meaning, std::string noun,
                                  std::function<Problem(const AccumulationInputs&)> build,
                                  int max_log2_n_full, int64_t work_quick, int64_t work_full) {
  AccumulationSpec a;
  a.length_meaning = std::move(length_meaning);
  a.noun = std::move(noun);
  a.max_log2_n_full = max_log2_n_full;
  a.max_log2_n_quick = 14;
  a.work_quick = work_quick;
  a.work_full = work_full;
  a.min_trials = 1;
  a.max_trials = 4;
  a.max_log2_n_long = 20;
  a.plotted = {"normal"};
  a.build = std::move(build);
  return a;
}

void row_pattern(RangePattern& p, Rng& r, int64_t m, int64_t n) {
  p.shape.m = m;
  p.shape.n = n;
  p.draw(0, {m, n}, r, uniform_pm1);
  p.scaled[0] = true;
}

void positive_row_maxima(std::vector<double>& v, int64_t rows, int64_t n) {
  for (int64_t r = 0; r < rows; ++r) {
    auto first = v.begin() + r * n;
    auto it = std::max_element(first, first + n,
                               [](double a, double b) { return std::fabs(a) < std::fabs(b); });
    *it = std::fabs(*it);
  }
}

RowStats row_stats(const std::vector<double>& v, int64_t rows, int64_t n, bool centered) {
  RowStats s;
  for (int64_t r = 0; r < rows; ++r) {
    double lo = INFINITY, hi = -INFINITY, sum = 0, sumabs = 0;
    for (int64_t j = 0; j < n; ++j) {
      const double x = v[static_cast<size_t>(r * n + j)];
      lo = std::min(lo, x);
      hi = std::max(hi, x);
      sum += x;
      sumabs += std::fabs(x);
      s.max_abs = std::max(s.max_abs, std::fabs(x));
    }
    const double mean = centered ? sum / static_cast<double>(n) : 0;
    double sq = 0;
    for (int64_t j = 0; j < n; ++j) {
      const double d = v[static_cast<size_t>(r * n + j)] - mean;
      sq += d * d;
    }
    s.max_range = std::max(s.max_range, hi - lo);
    s.max_sumsq = std::max(s.max_sumsq, sq);
    s.max_sumabs = std::max(s.max_sumabs, sumabs);
  }
  return s;
}

double most_negative(const std::vector<double>& v) {
  double m = 0;
  for (double x : v) m = std::min(m, x);
  return -m;
}

double erfc_inverse(double y) {
  double lo = 0, hi = 40;
  for (int i = 0; i < 200; ++i) {
    const double mid = (lo + hi) / 2;
    (std::erfc(mid) > y ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

std::string fname(Format f) {
  return std::string(name(f));
}

std::string num(double v) {
  return fmt::format("{:.6g}", v);
}

}  // namespace numguard::ops
