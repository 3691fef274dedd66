#include "harness/engine/ops/op_cases.h"

#include "harness/engine/ops/transformer_values.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "harness/engine/generators.h"

namespace numguard::ops {

ValueFn values_for(std::string_view g, Format in, double scale, Rng& r) {
  const FormatDesc& d = desc(in);
  if (g == "normal") return [scale](Rng& x) { return scale * x.normal(); };
  if (g == "positive") return [scale](Rng& x) { return scale * x.uniform(0, 1); };
  if (g == "log_uniform")
    return [&d](Rng& x) {
      const int e = static_cast<int>(x.integer(d.emin() - d.precision + 1, d.emax()));
      const double v = std::ldexp(x.uniform(1, 2), e);
      return x.coin() ? -v : v;
    };
  if (g == "near_overflow") {
    // Magnitudes in the top binades of the input format: max-subtraction, sums of squares and
    // products that overflow a narrow intermediate.
    const int top = d.emax();
    const int lo = std::max(0, top - 8);
    return [lo, top](Rng& x) {
      const double v = std::ldexp(x.uniform(1, 2), static_cast<int>(x.integer(lo, top)));
      return x.coin() ? -v : v;
    };
  }
  if (g == "subnormal_heavy") {
    const double tiny = d.min_subnormal();
    const int64_t steps = (int64_t{1} << (d.precision - 1)) - 1;
    return [&d, tiny, steps](Rng& x) {
      const double v = x.coin(0.7) ? static_cast<double>(x.integer(1, steps)) * tiny
                                   : d.min_normal() * x.uniform(1, 4);
      return x.coin() ? -v : v;
    };
  }
  if (g == "small_integers") {
    const int64_t m = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(scale * 2)));
    return [m](Rng& x) { return static_cast<double>(x.integer(-m, m)); };
  }
  if (g == "ill_conditioned") {
    // A large common offset with a small spread: the rows where E[x^2] - E[x]^2 cancels and
    // where exp without max subtraction overflows.
    const double offset =
        std::ldexp(1.0, static_cast<int>(r.integer(3, std::min(d.emax() - 2, 12))));
    const double sign = r.coin() ? -1 : 1;
    return [offset, sign, scale](Rng& x) { return sign * offset + scale * 0.01 * x.normal(); };
  }
  // Ops that know their rows pass them (transformer_values.h); without, activations over rows
  // of 256 channels.
  if (g == "transformer") return transformer_values(TransformerRole::activations, 256, 256, r);
  // uniform, special, tile_edges
  return [scale](Rng& x) { return x.uniform(-scale, scale); };
}

Tensor fill_tensor(Format in, std::vector<int64_t> shape, Rng& r, const ValueFn& v) {
  Tensor t(in, std::move(shape));
  const double mx = desc(in).max_finite();
  for (auto& b : t.bits) b = to_bits(in, std::clamp(v(r), -mx, mx));
  return t;
}

void plant_specials(Tensor& t, Rng& r) {
  if (t.empty()) return;
  const FormatDesc& d = desc(t.format);
  const uint64_t specials[] = {0, d.sign_mask(), d.has_inf() ? d.inf_bits(false) : d.nan_bits(),
                               d.has_inf() ? d.inf_bits(true) : d.nan_bits(), d.nan_bits()};
  const int64_t plants = r.integer(1, 3);
  for (int64_t i = 0; i < plants; ++i)
    t.bits[static_cast<size_t>(r.integer(0, static_cast<int64_t>(t.size()) - 1))] =
        specials[r.integer(0, 4)];
}

void plant_row_corners(Tensor& t, int64_t n, Rng& r) {
  if (t.empty() || n <= 0) return;
  const FormatDesc& d = desc(t.format);
  const int64_t rows = static_cast<int64_t>(t.size()) / n;
  const int64_t planted = std::min<int64_t>(rows, r.integer(1, 2));
  for (int64_t k = 0; k < planted; ++k) {
    const int64_t row = r.integer(0, rows - 1);
    uint64_t* x = t.bits.data() + row * n;
    const int64_t at = r.integer(0, n - 1);
    switch (r.integer(0, 4)) {
      case 0:  // every element -inf (the largest negative finite where the format has no inf)
        std::fill(x, x + n, d.has_inf() ? d.inf_bits(true) : to_bits(t.format, -d.max_finite()));
        break;
      case 1:
        x[at] = d.nan_bits();
        break;
      case 2:
        x[at] = d.has_inf() ? d.inf_bits(false) : d.nan_bits();
        break;
      case 3:  // constant: zero variance, every softmax weight equal
        std::fill(x, x + n, x[at]);
        break;
      default:
        std::fill(x, x + n, uint64_t{0});
    }
  }
}

int64_t row_length(std::string_view g, int64_t max_n, int64_t tile, Rng& r) {
  if (g == "tile_edges") {
    const int64_t mult = r.integer(1, 4);
    const int64_t choices[] = {1, 2,  tile - 1, tile, tile + 1, tile * mult - 1, tile * mult + 1,
                               7, 31, 61,       127};
    return std::clamp<int64_t>(choices[r.integer(0, std::size(choices) - 1)], 1, max_n);
  }
  return r.log_uniform(1, max_n);
}

double fp32(double x) {
  return round_value(Format::fp32, x);
}

bool shift_rows(Tensor& t, int64_t n, int64_t max_shift, Rng& r) {
  double shift = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    if (i % static_cast<size_t>(std::max<int64_t>(n, 1)) == 0)
      shift = static_cast<double>(r.integer(-max_shift, max_shift));
    const double v = t.value(i) + shift;
    t.bits[i] = to_bits(t.format, v);
    if (!std::isfinite(v) || t.value(i) != v) return false;
  }
  return true;
}

std::vector<std::pair<std::string, std::string>> value_notes(double scale,
                                                             const std::string& lengths) {
  const std::string s = fmt::format("{:g}", scale);
  return {
      {"uniform", "values uniform in [-" + s + ", " + s + "]; " + lengths},
      {"normal", s + " x N(0, 1)"},
      {"positive", "uniform in [0, " + s + "]: no cancellation"},
      {"near_overflow", "magnitudes in the top 8 binades of the input format"},
      {"small_integers",
       fmt::format("integers in [-{:g}, {:g}]", std::ceil(scale * 2), std::ceil(scale * 2))},
      {"ill_conditioned", "a large common offset 2^3..2^12 with a spread of " +
                              fmt::format("{:g}", scale * 0.01) + " x N(0, 1)"},
      {"special", "uniform with 1 to 3 of +-0, +-inf, NaN planted"},
      {"tile_edges", lengths + " at the recipe's tile or lane multiples +-1, 1, 2 and primes"},
      {"api_corners",
       "uniform with one or two rows all -inf, all zero, constant (zero variance), or with a "
       "single NaN or +inf"},
      {"transformer",
       "activations of a trained transformer: N(0, 1) x per-channel gains, a few outlier "
       "channels 10-1000x larger, sometimes a massive activation (docs/INPUTS.md)"},
  };
}

std::vector<std::pair<std::string, std::string>> with_note(
    std::vector<std::pair<std::string, std::string>> notes, const std::string& g,
    const std::string& text) {
  for (auto& [name, note] : notes)
    if (name == g) {
      note = text;
      return notes;
    }
  notes.emplace_back(g, text);
  return notes;
}

}  // namespace numguard::ops
