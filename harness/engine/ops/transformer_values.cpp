#include "harness/engine/ops/transformer_values.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

namespace numguard::ops {
namespace {

double log_uniform(Rng& r, double lo, double hi) {
  return std::exp(r.uniform(std::log(lo), std::log(hi)));
}

ValueFn activations(int64_t cols, Rng& r, std::string* what, double max_outlier) {
  // Per-channel gains near 1 (a trained layernorm's gamma), a few outlier channels.
  const int64_t width = std::max<int64_t>(cols, 1);
  auto gain = std::make_shared<std::vector<double>>(static_cast<size_t>(width));
  for (double& g : *gain) g = r.uniform(0.5, 1.5);
  const int64_t outliers =
      std::min<int64_t>(width, r.integer(1, std::max<int64_t>(1, width / 512)));
  double largest = 0;
  for (int64_t i = 0; i < outliers; ++i) {
    const double s = log_uniform(r, std::min(10.0, max_outlier), max_outlier);
    (*gain)[static_cast<size_t>(r.integer(0, width - 1))] = r.coin() ? s : -s;
    largest = std::max(largest, s);
  }
  // One massive activation: the first token's entry in one channel, constant across inputs.
  const bool massive = max_outlier >= 1000 && r.coin(0.25);
  const int64_t massive_col = r.integer(0, width - 1);
  const double massive_value = (r.coin() ? 1 : -1) * log_uniform(r, 3e3, 3e4);
  if (what)
    *what = fmt::format("activations: {} outlier channel(s) up to {:.0f}x{}", outliers, largest,
                        massive ? fmt::format(", a massive activation {:.0f}", massive_value) : "");
  auto at = std::make_shared<int64_t>(0);
  return [=](Rng& g) {
    const int64_t i = (*at)++;
    const int64_t col = i % width;
    if (massive && i == massive_col) return massive_value;  // row 0
    return g.normal() * (*gain)[static_cast<size_t>(col)];
  };
}

// Row logits: N(0, spread^2), sometimes with a sink in column 0.
struct Logits {
  double spread = 1, sink = 0;
};
Logits draw_logits(Rng& r, double max_spread) {
  Logits l;
  l.spread = log_uniform(r, 0.5, max_spread);
  if (r.coin()) l.sink = r.uniform(4, 16);
  return l;
}

ValueFn logits(int64_t cols, Rng& r, std::string* what) {
  const Logits l = draw_logits(r, 8);
  const int64_t width = std::max<int64_t>(cols, 1);
  if (what) *what = fmt::format("logits: N(0, {:.2g}^2), sink +{:.3g}", l.spread, l.sink);
  auto at = std::make_shared<int64_t>(0);
  return [=](Rng& g) {
    const int64_t col = (*at)++ % width;
    return g.normal() * l.spread + (col == 0 ? l.sink : 0.0);
  };
}

ValueFn probabilities(int64_t cols, Rng& r, std::string* what) {
  const Logits l = draw_logits(r, 4);
  const int64_t width = std::max<int64_t>(cols, 1);
  if (what)
    *what = fmt::format("probabilities: softmax of N(0, {:.2g}^2), sink +{:.3g}", l.spread, l.sink);
  auto row = std::make_shared<std::vector<double>>(static_cast<size_t>(width));
  auto at = std::make_shared<int64_t>(0);
  return [=](Rng& g) {
    const int64_t col = (*at)++ % width;
    if (col == 0) {  // the next row, drawn whole and normalised
      double mx = -INFINITY, sum = 0;
      for (size_t j = 0; j < row->size(); ++j) {
        (*row)[j] = g.normal() * l.spread + (j == 0 ? l.sink : 0.0);
        mx = std::max(mx, (*row)[j]);
      }
      for (double& v : *row) sum += (v = std::exp(v - mx));
      for (double& v : *row) v /= sum;
    }
    return (*row)[static_cast<size_t>(col)];
  };
}

ValueFn weights(int64_t cols, int64_t fan_in, Rng& r, std::string* what) {
  const double in = static_cast<double>(std::max<int64_t>(fan_in, 1)),
               out = static_cast<double>(std::max<int64_t>(cols, 1));
  switch (r.integer(0, 2)) {
    case 0:
      if (what) *what = "weights: N(0, 0.02^2)";
      return [](Rng& g) { return 0.02 * g.normal(); };
    case 1: {
      const double b = 1 / std::sqrt(in);
      if (what) *what = fmt::format("weights: U(+-1/sqrt({:g}))", in);
      return [b](Rng& g) { return g.uniform(-b, b); };
    }
    default: {
      const double s = std::sqrt(2 / (in + out));
      if (what) *what = fmt::format("weights: Glorot N(0, 2/({:g}+{:g}))", in, out);
      return [s](Rng& g) { return s * g.normal(); };
    }
  }
}

}  // namespace

ValueFn transformer_values(TransformerRole role, int64_t cols, int64_t fan_in, Rng& r,
                           std::string* what, double max_outlier) {
  switch (role) {
    case TransformerRole::activations:
      return activations(cols, r, what, max_outlier);
    case TransformerRole::probabilities:
      return probabilities(cols, r, what);
    case TransformerRole::logits:
      return logits(cols, r, what);
    case TransformerRole::weights:
      return weights(cols, fan_in, r, what);
  }
  return activations(cols, r, what, max_outlier);
}

}  // namespace numguard::ops
