#include "harness/cli/convert_mx.h"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "harness/cli/convert_value.h"
#include "harness/cli/number_text.h"
#include "harness/cli/verb.h"

namespace numguard::cli {

int run_convert_mx(const mx::BlockFormat& f, mx::ScaleRule rule,
                   const std::vector<std::string>& values, bool json) {
  if (values.empty()) throw UsageError("--mx quantizes the values given: give at least one");
  ConvertSettings s;
  s.to = Format::fp64;
  Converter conv(s);
  std::vector<double> v;
  for (const std::string& text : values) {
    const Conversion c = conv.convert(trim(text));
    if (c.error) throw UsageError(fmt::format("'{}' is not a value ({})", text, c.error));
    v.push_back(decode(Format::fp64, c.result.bits));
  }
  const mx::Quantized q = mx::quantize(f, v, rule);
  const size_t k = static_cast<size_t>(f.block);
  nlohmann::json blocks = nlohmann::json::array();
  std::string text = fmt::format(
      "{}: {} elements, one {} scale per {}{}; scale rule {}\n", f.name, name(f.element),
      name(f.scale), f.block,
      f.scale == Format::ue4m3 ? fmt::format(", tensor scale {:.9g}", q.tensor_scale) : "",
      mx::name(rule));
  for (size_t b = 0; b < q.scales.size(); ++b) {
    const double scale = decode(f.scale, q.scales[b]);
    nlohmann::json elems = nlohmann::json::array();
    text += fmt::format("block {}: scale {} ({})\n", b, bits_hex(f.scale, q.scales[b]).view(),
                        shortest_decimal(f.scale, q.scales[b]).view());
    for (size_t i = b * k; i < std::min(v.size(), (b + 1) * k); ++i) {
      const double deq = q.value(i);
      const bool saturated =
          std::isfinite(scale) && std::isfinite(v[i]) &&
          q.elements[i] == (desc(f.element).max_finite_bits() |
                            (std::signbit(v[i]) ? desc(f.element).sign_mask() : 0)) &&
          std::fabs(v[i]) > std::fabs(deq);
      elems.push_back({{"input", v[i]},
                       {"bits", std::string(bits_hex(f.element, q.elements[i]).view())},
                       {"element", decode(f.element, q.elements[i])},
                       {"value", deq},
                       {"error", std::isfinite(deq) ? std::fabs(deq - v[i]) : NAN},
                       {"saturated", saturated}});
      text += fmt::format("  {:<14.9g} -> {} {:<8g} = {:<14.9g}{}\n", v[i],
                          bits_hex(f.element, q.elements[i]).view(),
                          decode(f.element, q.elements[i]), deq, saturated ? "  (saturated)" : "");
    }
    blocks.push_back(
        {{"scale_bits", std::string(bits_hex(f.scale, q.scales[b]).view())},
         {"scale", std::isnan(scale) ? nlohmann::json(nullptr) : nlohmann::json(scale)},
         {"elements", elems}});
  }
  if (json) {
    fmt::print("{}\n", nlohmann::json{{"format", f.name},
                                      {"element", name(f.element)},
                                      {"scale_format", name(f.scale)},
                                      {"block", f.block},
                                      {"scale_rule", mx::name(rule)},
                                      {"tensor_scale", q.tensor_scale},
                                      {"blocks", blocks}}
                           .dump());
  } else {
    fmt::print("{}", text);
  }
  return kExitOk;
}

}  // namespace numguard::cli
