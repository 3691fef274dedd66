#include "references/tensor_core_model.h"

#include <algorithm>
#include <array>
#include <bit>
#include <climits>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace numguard::tc {
namespace {

constexpr std::array<std::string_view, 5> kArchitectures = {"volta", "ampere", "ada", "hopper",
                                                            "blackwell"};

// Block size b and fractional bits f per (architecture, input): docs/REFERENCE.md's table.
struct Row {
  std::string_view arch;
  Format in;
  int block, frac_bits;
};
constexpr Row kRows[] = {
    {"volta", Format::fp16, 4, 23},      {"ampere", Format::fp16, 8, 24},
    {"ampere", Format::bf16, 8, 24},     {"ampere", Format::tf32, 4, 24},
    {"ada", Format::fp16, 8, 24},        {"ada", Format::bf16, 8, 24},
    {"ada", Format::tf32, 4, 24},        {"ada", Format::e4m3, 16, 13},
    {"ada", Format::e5m2, 16, 13},       {"hopper", Format::fp16, 16, 25},
    {"hopper", Format::bf16, 16, 25},    {"hopper", Format::tf32, 8, 25},
    {"hopper", Format::e4m3, 32, 13},    {"hopper", Format::e5m2, 32, 13},
    {"blackwell", Format::fp16, 16, 25}, {"blackwell", Format::bf16, 16, 25},
    {"blackwell", Format::tf32, 8, 25},  {"blackwell", Format::e4m3, 32, 13},
    {"blackwell", Format::e5m2, 32, 13},
};

// IEEE-like special values of one block; nullopt when every term is finite.
std::optional<double> special_result(std::span<const double> a, std::span<const double> b,
                                     double c) {
  bool nan = std::isnan(c), pos_inf = c == INFINITY, neg_inf = c == -INFINITY;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(a[i]) || std::isnan(b[i])) {
      nan = true;
    } else if (std::isinf(a[i]) || std::isinf(b[i])) {
      if (a[i] == 0 || b[i] == 0) {
        nan = true;
      } else {
        (std::signbit(a[i]) != std::signbit(b[i]) ? neg_inf : pos_inf) = true;
      }
    }
  }
  if (nan || (pos_inf && neg_inf)) return std::nan("");
  if (pos_inf) return INFINITY;
  if (neg_inf) return -INFINITY;
  return std::nullopt;
}

int exponent_of(double x) {
  return std::ilogb(x);
}  // floor(log2 |x|), x finite nonzero

}  // namespace

std::span<const std::string_view> tc_architectures() {
  return kArchitectures;
}

std::optional<TcModel> find_preset(std::string_view arch, Format in, Format out) {
  const bool out_ok = out == Format::fp32 || (out == Format::fp16 && in == Format::fp16);
  if (!out_ok) return std::nullopt;
  for (const Row& r : kRows) {
    if (r.arch == arch && r.in == in) {
      return TcModel{
          .block = r.block,
          .frac_bits = r.frac_bits,
          .final_rounding = out == Format::fp32 ? Rounding::rz : Rounding::rne,
          // Measured on an H100 for fp16, bf16 and tf32 (docs/GPU_RESULTS.md); the
          // other formats and architectures keep the exact-product exponent.
          .operand_exponents =
              arch == "hopper" && (in == Format::fp16 || in == Format::bf16 || in == Format::tf32),
          .operand_emin = desc(in).emin()};
    }
  }
  return std::nullopt;
}

TcModel preset(std::string_view arch, Format in, Format out) {
  if (auto m = find_preset(arch, in, out)) return *m;
  throw std::invalid_argument("tensor-core model: no preset for " + std::string(arch) + " " +
                              std::string(name(in)) + " -> " + std::string(name(out)));
}

double mma_block(const TcModel& model, std::span<const double> a, std::span<const double> b,
                 double c, Format out) {
  if (a.size() != b.size() || static_cast<int64_t>(a.size()) > model.block)
    throw std::invalid_argument("tensor-core model: a block takes at most `block` pairs");
  if (model.frac_bits < 0 || model.frac_bits > 52)
    throw std::invalid_argument("tensor-core model: frac_bits must be in [0, 52]");
  if (auto s = special_result(a, b, c)) return *s;

  // Products of fp32 or narrower values are exact in double (<= 48 bits, exponents within
  // [-298, 256]); so is every term below.
  double terms[65];
  if (a.size() + 1 > std::size(terms))
    throw std::invalid_argument("tensor-core model: block larger than 64");
  size_t n = 0;
  terms[n++] = c;
  for (size_t i = 0; i < a.size(); ++i) terms[n++] = a[i] * b[i];

  int emax = INT_MIN;
  bool all_negative_zero = true;
  if (model.operand_exponents) {
    const int out_emin = desc(out).emin();
    if (c != 0) emax = std::max(exponent_of(c), out_emin);
    for (size_t i = 0; i < a.size(); ++i)
      if (terms[i + 1] != 0)
        emax = std::max(emax, std::max(exponent_of(a[i]), model.operand_emin) +
                                  std::max(exponent_of(b[i]), model.operand_emin));
  }
  for (size_t i = 0; i < n; ++i) {
    if (terms[i] != 0 && !model.operand_exponents) emax = std::max(emax, exponent_of(terms[i]));
    all_negative_zero = all_negative_zero && terms[i] == 0 && std::signbit(terms[i]);
  }
  if (emax == INT_MIN) return all_negative_zero && !model.operand_exponents ? -0.0 : 0.0;

  // Each term as an integer multiple of 2^(emax - f), truncated toward zero; |term| <
  // 2^(emax+1) so each is below 2^(f+1) and the sum of at most 65 stays below 2^60.
  const int f = model.frac_bits;
  int64_t sum = 0;
  for (size_t i = 0; i < n; ++i)
    sum += static_cast<int64_t>(std::trunc(std::ldexp(terms[i], f - emax)));
  if (sum == 0) return 0.0;

  // Normalize once and round once. The Unpacked form carries all bits of the exact sum.
  Unpacked u;
  u.kind = Unpacked::Kind::finite;
  u.negative = sum < 0;
  const uint64_t mag = sum < 0 ? uint64_t(0) - static_cast<uint64_t>(sum) : uint64_t(sum);
  const int lead = 63 - std::countl_zero(mag);
  u.mant = mag << (63 - lead);
  u.exp = static_cast<int64_t>(emax) - f + lead;
  u.sticky = false;
  const FormatDesc& d = desc(out);
  if (u.exp > d.emax()) return u.negative ? -INFINITY : INFINITY;  // see the header
  RoundOptions o;
  o.mode = model.final_rounding;
  o.saturate = false;
  const double rounded = decode(out, round_to(out, u, o).bits);
  return model.operand_exponents && rounded == 0 ? 0.0 : rounded;
}

double mma_dot_values(const TcModel& model, std::span<const double> a, std::span<const double> b,
                      double c, Format out) {
  if (a.size() != b.size()) throw std::invalid_argument("tensor-core model: a and b differ");
  if (model.block <= 0) throw std::invalid_argument("tensor-core model: block must be > 0");
  const size_t block = static_cast<size_t>(model.block);
  double d = c;
  for (size_t lo = 0; lo < a.size(); lo += block) {
    const size_t len = std::min(block, a.size() - lo);
    d = mma_block(model, a.subspan(lo, len), b.subspan(lo, len), d, out);
  }
  return d;
}

uint64_t mma_dot(const TcModel& model, Format in, std::span<const uint64_t> a,
                 std::span<const uint64_t> b, uint64_t c_bits, Format out) {
  const auto read = [in](uint64_t bits) {
    // wgmma reads tf32 operands by truncating the fp32 container (docs/REFERENCE.md, Formats).
    if (in == Format::tf32 && !is_nan(in, bits)) bits &= ~uint64_t{0x1fff};
    return decode(in, bits);
  };
  std::vector<double> av(a.size()), bv(b.size());
  std::transform(a.begin(), a.end(), av.begin(), read);
  std::transform(b.begin(), b.end(), bv.begin(), read);
  const double d = mma_dot_values(model, av, bv, decode(out, c_bits), out);
  RoundOptions o;
  o.mode = model.final_rounding;
  return round_double(out, d, o).bits;  // d is a value of `out`: no rounding happens
}

}  // namespace numguard::tc
