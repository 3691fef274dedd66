// The transformer generator's values have the structure docs/INPUTS.md documents for them
// (harness/engine/ops/transformer_values.h): outlier channels 10-1000x the typical channel,
// probability rows that are distributions, logits with a sink column, weights at one of the
// three initialization scales. Seeds 1..40 (printed with any failure).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "harness/engine/ops/transformer_values.h"

namespace numguard::ops {
namespace {

using Role = TransformerRole;
constexpr uint64_t kSeeds = 40;

// rows x cols values from one source, row-major.
std::vector<double> draw(Role role, int64_t rows, int64_t cols, int64_t fan_in, uint64_t seed) {
  Rng r(seed);
  const ValueFn v = transformer_values(role, cols, fan_in, r);
  std::vector<double> x(static_cast<size_t>(rows * cols));
  for (double& e : x) e = v(r);
  return x;
}

std::vector<double> channel_rms(const std::vector<double>& x, int64_t rows, int64_t cols) {
  std::vector<double> rms(static_cast<size_t>(cols));
  for (int64_t c = 0; c < cols; ++c) {
    double s = 0;
    for (int64_t i = 1; i < rows; ++i)  // row 0 may hold the massive activation
      s += x[static_cast<size_t>(i * cols + c)] * x[static_cast<size_t>(i * cols + c)];
    rms[static_cast<size_t>(c)] = std::sqrt(s / static_cast<double>(rows - 1));
  }
  return rms;
}

TEST(TransformerValues, ActivationsHaveAFewOutlierChannels) {
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    const int64_t rows = 65, cols = 4096;
    std::vector<double> rms =
        channel_rms(draw(Role::activations, rows, cols, cols, seed), rows, cols);
    std::vector<double> sorted = rms;
    std::nth_element(sorted.begin(), sorted.begin() + cols / 2, sorted.end());
    const double median = sorted[static_cast<size_t>(cols / 2)];
    const auto outliers =
        std::count_if(rms.begin(), rms.end(), [&](double v) { return v > 5 * median; });
    EXPECT_GE(outliers, 1) << "seed " << seed;
    EXPECT_LE(outliers, 8) << "seed " << seed;  // at most one per 512 channels
    EXPECT_LT(*std::max_element(rms.begin(), rms.end()), 2000 * median) << "seed " << seed;
  }
}

TEST(TransformerValues, ProbabilityRowsAreDistributions) {
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    const int64_t rows = 8, cols = 300;
    const std::vector<double> p = draw(Role::probabilities, rows, cols, cols, seed);
    for (int64_t i = 0; i < rows; ++i) {
      const auto row = p.begin() + i * cols;
      EXPECT_GE(*std::min_element(row, row + cols), 0.0) << "seed " << seed;
      EXPECT_NEAR(std::accumulate(row, row + cols, 0.0), 1.0, 1e-12) << "seed " << seed;
    }
  }
}

// Half the cases put a sink in column 0: its mean logit then leads every other column's.
TEST(TransformerValues, LogitsSometimesHaveASinkColumn) {
  int sinks = 0;
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    const int64_t rows = 200, cols = 64;
    const std::vector<double> x = draw(Role::logits, rows, cols, cols, seed);
    std::vector<double> mean(static_cast<size_t>(cols));
    for (int64_t i = 0; i < rows * cols; ++i)
      mean[static_cast<size_t>(i % cols)] += x[static_cast<size_t>(i)] / rows;
    sinks += std::max_element(mean.begin(), mean.end()) == mean.begin() && mean[0] > 3;
  }
  EXPECT_GT(sinks, static_cast<int>(kSeeds) / 4);
  EXPECT_LT(sinks, static_cast<int>(kSeeds) * 3 / 4);
}

// The sample deviation matches 0.02, 1/sqrt(3 fan_in) (uniform +-1/sqrt(fan_in)) or
// sqrt(2 / (fan_in + fan_out)) within 5%.
TEST(TransformerValues, WeightsHaveAnInitializationScale) {
  const int64_t fan_in = 1024, fan_out = 256;
  const double scales[] = {0.02, 1 / std::sqrt(3.0 * fan_in), std::sqrt(2.0 / (fan_in + fan_out))};
  int seen[3] = {};
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    const std::vector<double> w = draw(Role::weights, fan_in, fan_out, fan_in, seed);
    double s = 0;
    for (double v : w) s += v * v;
    const double sd = std::sqrt(s / static_cast<double>(w.size()));
    int match = -1;
    for (int i = 0; i < 3; ++i)
      if (std::fabs(sd / scales[i] - 1) < 0.05) match = i;
    ASSERT_GE(match, 0) << "seed " << seed << ": deviation " << sd;
    ++seen[match];
  }
  for (int i = 0; i < 3; ++i) EXPECT_GT(seen[i], 0) << "scale " << scales[i] << " never drawn";
}

}  // namespace
}  // namespace numguard::ops
