#include "references/mx_block.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "harness/core/rounding.h"

namespace numguard::mx {
namespace {

constexpr BlockFormat kBlockFormats[] = {
    {"mxfp8_e4m3", Format::e4m3, 32, Format::e8m0}, {"mxfp8_e5m2", Format::e5m2, 32, Format::e8m0},
    {"mxfp6_e3m2", Format::e3m2, 32, Format::e8m0}, {"mxfp6_e2m3", Format::e2m3, 32, Format::e8m0},
    {"mxfp4", Format::e2m1, 32, Format::e8m0},      {"nvfp4", Format::e2m1, 16, Format::ue4m3},
};

// The element format's largest finite exponent (OCP's emax_elem).
int emax_elem(Format f) {
  return std::ilogb(desc(f).max_finite());
}

uint64_t element_bits(Format f, double x) {
  RoundOptions o;
  o.saturate = true;  // MX conversions clamp to the largest value
  return round_double(f, x, o).bits;
}

}  // namespace

std::optional<ScaleRule> scale_rule_from_name(std::string_view n) {
  if (n == "spec") return ScaleRule::spec;
  if (n == "up") return ScaleRule::up;
  return std::nullopt;
}

std::string_view name(ScaleRule r) {
  return r == ScaleRule::spec ? "spec" : "up";
}

std::span<const BlockFormat> block_formats() {
  return kBlockFormats;
}

const BlockFormat* find_block_format(std::string_view n) {
  for (const BlockFormat& f : kBlockFormats)
    if (f.name == n) return &f;
  return nullptr;
}

double Quantized::value(size_t i) const {
  const double s = decode(format->scale, scales[i / static_cast<size_t>(format->block)]);
  return decode(format->element, elements[i]) * s * tensor_scale;
}

Quantized quantize(const BlockFormat& f, std::span<const double> v, ScaleRule rule,
                   std::optional<double> tensor_amax) {
  Quantized q;
  q.format = &f;
  const double max_elem = desc(f.element).max_finite();
  if (f.scale == Format::ue4m3) {  // NVFP4: amax / (6 * 448) maps the tensor's amax to 6 * 448
    double amax = 0;
    for (double x : v)
      if (std::isfinite(x)) amax = std::max(amax, std::fabs(x));
    if (tensor_amax) amax = *tensor_amax;
    // An fp32 value, as kernels hold it.
    q.tensor_scale =
        amax > 0 ? round_value(Format::fp32, amax / (max_elem * desc(Format::ue4m3).max_finite()))
                 : 1.0;
  }
  const size_t k = static_cast<size_t>(f.block);
  for (size_t lo = 0; lo < v.size(); lo += k) {
    const auto block = v.subspan(lo, std::min(k, v.size() - lo));
    double amax = 0;
    bool special = false;
    for (double x : block) {
      special = special || !std::isfinite(x);
      amax = std::max(amax, std::fabs(x));
    }
    uint64_t scale_bits;
    if (special) {
      scale_bits = desc(f.scale).nan_bits();
    } else if (f.scale == Format::e8m0) {
      int e = -127;  // an all-zero block: the smallest scale
      if (amax > 0 && rule == ScaleRule::spec) e = std::ilogb(amax) - emax_elem(f.element);
      if (amax > 0 && rule == ScaleRule::up) {  // the least e with max_elem * 2^e >= amax
        e = std::ilogb(amax) - std::ilogb(max_elem) - 1;
        while (std::ldexp(max_elem, e) < amax) ++e;
      }
      e = std::clamp(e, -127, 127);
      scale_bits = static_cast<uint64_t>(e + 127);
    } else {  // NVFP4: amax_block / 6 / tensor_scale into UE4M3, RNE (spec) or up
      RoundOptions o;
      o.mode = rule == ScaleRule::spec ? Rounding::rne : Rounding::ru;
      o.saturate = true;
      scale_bits = round_double(f.scale, amax / max_elem / q.tensor_scale, o).bits;
    }
    q.scales.push_back(scale_bits);
    const double s = decode(f.scale, scale_bits) * q.tensor_scale;
    for (double x : block)
      q.elements.push_back(special || s == 0 ? 0 : element_bits(f.element, x / s));
  }
  return q;
}

const BlockFormat& block_format_of(const BlockScaling& s) {
  for (const BlockFormat& f : kBlockFormats)
    if (f.element == s.element && f.block == s.block && f.scale == s.scale) return f;
  throw std::invalid_argument(
      "block_scaling: no block format of " + std::string(numguard::name(s.element)) + " x " +
      std::to_string(s.block) + " with " + std::string(numguard::name(s.scale)) + " scales");
}

ScaleRule scale_rule_of(const BlockScaling& s) {
  return s.scale_up ? ScaleRule::up : ScaleRule::spec;
}

GemmOperands quantize_gemm(const BlockScaling& s, const Problem& p) {
  const BlockFormat& f = block_format_of(s);
  const ScaleRule rule = scale_rule_of(s);
  const auto amax_of = [](const Tensor& t) {
    double a = 0;
    for (size_t i = 0; i < t.size(); ++i)
      if (std::isfinite(t.value(i))) a = std::max(a, std::fabs(t.value(i)));
    return a;
  };
  GemmOperands q;
  std::vector<double> v(static_cast<size_t>(p.k));
  std::optional<double> amax;
  if (f.scale == Format::ue4m3) amax = amax_of(p.a);
  for (int64_t i = 0; i < p.m; ++i) {
    for (int64_t l = 0; l < p.k; ++l)
      v[static_cast<size_t>(l)] = p.a.value(static_cast<size_t>(i * p.k + l));
    q.rows.push_back(quantize(f, v, rule, amax));
  }
  if (f.scale == Format::ue4m3) amax = amax_of(p.b);
  for (int64_t j = 0; j < p.n; ++j) {
    for (int64_t l = 0; l < p.k; ++l)
      v[static_cast<size_t>(l)] = p.b.value(static_cast<size_t>(l * p.n + j));
    q.cols.push_back(quantize(f, v, rule, amax));
  }
  return q;
}

int64_t blocked_scale_index(int64_t r, int64_t b, int64_t blocks) {
  const int64_t tile_cols = (blocks + 3) / 4;
  return 512 * ((r / 128) * tile_cols + b / 4) + (r % 32) * 16 + (r % 128) / 32 * 4 + b % 4;
}

int64_t blocked_scale_count(int64_t rows, int64_t blocks) {
  return 512 * ((rows + 127) / 128) * ((blocks + 3) / 4);
}

}  // namespace numguard::mx
