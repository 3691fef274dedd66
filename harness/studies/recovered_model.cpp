#include "harness/studies/recovered_model.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <vector>

#include "harness/core/rounding.h"
#include "harness/engine/random.h"

namespace numguard {

std::optional<tc::TcModel> recovered_model(const ProbeResult& r, const MatrixUnit& unit) {
  static constexpr tc::Datapath kPaths[] = {
      tc::Datapath::fused,        tc::Datapath::c_after,       tc::Datapath::exact,
      tc::Datapath::ftz_pairs,    tc::Datapath::fma_chain,     tc::Datapath::scaled,
      tc::Datapath::group_scaled, tc::Datapath::c_after_halves};
  const auto path = std::find_if(std::begin(kPaths), std::end(kPaths),
                                 [&r](tc::Datapath d) { return tc::name(d) == r.datapath; });
  if (path == std::end(kPaths) || r.block <= 0) return std::nullopt;
  tc::TcModel m;
  m.path = *path;
  m.block = r.block;
  m.frac_bits = m.path == tc::Datapath::exact ? 0 : std::max(r.fraction_bits, 0);
  m.final_rounding = Rounding::rz;  // where unobservable the output never rounds
  for (Rounding mode : {Rounding::rne, Rounding::rna, Rounding::rz, Rounding::ru, Rounding::rd})
    if (r.final_rounding == name(mode)) m.final_rounding = mode;
  m.operand_exponents = r.operand_exponents.value_or(true);
  m.operand_emin = tc::operand_emin(unit.in);
  m.operand_emin_b = tc::operand_emin(unit.b_format());
  m.zero_exponent = r.zero_exponent;
  m.out_frac_bits = r.output_fraction_bits.value_or(0);
  m.signed_zero = r.signed_zero.value_or(false);
  m.c_after_bits = r.c_after_bits.value_or(31);
  m.tf32_nan_to_inf = r.tf32_nan_to_inf.value_or(true);
  tc::TcModel quiet;
  quiet.nan = tc::NanResult::quiet;
  if (r.nan_bits && *r.nan_bits == tc::nan_result(quiet, unit.out)) m.nan = tc::NanResult::quiet;
  if (unit.scaled()) {
    m.scale_block = unit.scale_block;
    m.scale = unit.scale;
    m.group = r.group > 1 ? r.group : 0;
    m.zero_group_at_scales = r.zero_group_at_scales.value_or(false);
  }
  return m;
}

namespace {

// A random finite pattern of f (every bit pattern equally likely, NaN and inf redrawn).
uint64_t random_finite(Rng& r, Format f) {
  const FormatDesc& d = desc(f);
  for (;;) {
    const uint64_t bits =
        r.bits() & (d.storage_bits == 64 ? ~uint64_t{0} : (uint64_t{1} << d.storage_bits) - 1);
    if (std::isfinite(decode(f, bits))) return bits;
  }
}

std::string hex_list(const std::vector<uint64_t>& v) {
  std::ostringstream os;
  os << std::hex;
  for (size_t i = 0; i < v.size(); ++i) os << (i ? "," : "") << "0x" << v[i];
  return os.str();
}

}  // namespace

Verification verify(const tc::TcModel& model, const MatrixUnit& unit, uint64_t seed, int trials) {
  Rng r(seed);
  Verification v;
  const Format fa = unit.in, fb = unit.b_format(), out = unit.out;
  for (int t = 0; t < trials; ++t) {
    const int len = static_cast<int>(r.integer(1, std::min(unit.max_k, 2 * model.block + 1)));
    std::vector<uint64_t> a(static_cast<size_t>(len)), b(static_cast<size_t>(len));
    // Every third trial draws small-magnitude values: cancellation and ties, not only
    // the one product that dwarfs the rest.
    const bool narrow = t % 3 == 0;
    for (int i = 0; i < len; ++i) {
      const auto draw = [&](Format f) {
        return narrow ? round_double(
                            f, std::ldexp(r.uniform(-1, 1), static_cast<int>(r.integer(-3, 3))))
                            .bits
                      : random_finite(r, f);
      };
      a[static_cast<size_t>(i)] = draw(fa);
      b[static_cast<size_t>(i)] = draw(fb);
    }
    if (t % 10 == 5) {  // a special value: inf (and NaN, where the format has them)
      const FormatDesc& d = desc(fa);
      auto& x = a[static_cast<size_t>(r.integer(0, len - 1))];
      if (d.has_nan() && r.coin())
        x = d.nan_bits();
      else if (d.has_inf())
        x = d.inf_bits(r.coin());
    }
    const uint64_t c = t % 4 == 1 ? 0
                       : narrow   ? round_double(out, r.uniform(-8, 8)).bits
                                  : random_finite(r, out);
    uint64_t got = 0, want = 0;
    std::vector<uint64_t> sa, sb;
    if (unit.scaled()) {
      const size_t n = static_cast<size_t>((len + unit.scale_block - 1) / unit.scale_block);
      for (size_t i = 0; i < n; ++i) {
        sa.push_back(
            round_double(unit.scale, std::ldexp(1.0, static_cast<int>(r.integer(-8, 8)))).bits);
        sb.push_back(
            round_double(unit.scale, std::ldexp(1.0, static_cast<int>(r.integer(-8, 8)))).bits);
      }
      got = unit.scaled_dot(a, b, sa, sb, c);
      want = tc::mma_scaled_dot(model, fa, fb, a, b, sa, sb, c, out);
    } else {
      got = unit.dot(a, b, c);
      want = tc::mma_dot(model, fa, fb, a, b, c, out);
    }
    ++v.trials;
    if (got == want) continue;  // NaNs too: the pattern is part of the model
    if (v.disagreements++ == 0) {
      std::ostringstream os;
      os << "a=" << hex_list(a) << " b=" << hex_list(b) << " c=0x" << std::hex << c;
      if (!sa.empty()) os << " scale_a=" << hex_list(sa) << " scale_b=" << hex_list(sb);
      os << ": unit 0x" << got << ", model 0x" << want;
      v.first = os.str();
    }
  }
  return v;
}

}  // namespace numguard
