#include "fuzz/gemm_input.h"

#include "fuzz/value_stream.h"

#include <algorithm>

#include "harness/engine/op.h"

namespace numguard::fuzz {
namespace {

// Little-endian reads; bytes past the end read as 0.
class Header {
 public:
  explicit Header(std::span<const uint8_t> d) : d_(d) {}
  uint8_t u8(size_t at) const { return at < d_.size() ? d_[at] : 0; }
  uint16_t u16(size_t at) const { return static_cast<uint16_t>(u8(at) | (u8(at + 1) << 8)); }

 private:
  std::span<const uint8_t> d_;
};

}  // namespace

std::string_view name(ValueMode m) {
  constexpr std::string_view kNames[] = {"raw", "unit", "small_int", "window"};
  return kNames[static_cast<size_t>(m)];
}

std::string_view name(SpecialKind s) {
  constexpr std::string_view kNames[] = {"none", "-0",   "+inf", "-inf",
                                         "nan",  "+max", "-max", "min_subnormal"};
  return kNames[static_cast<size_t>(s)];
}

std::optional<GemmInput> decode_gemm_input(std::span<const uint8_t> data,
                                           std::span<const KernelDesc* const> kernels) {
  if (data.empty() || kernels.empty()) return std::nullopt;
  const Header h(data);
  GemmInput in;
  in.kernel = kernels[h.u8(0) % kernels.size()];
  const KernelDesc& k = *in.kernel;
  const OpInfo* op = find_op(k.op);
  if (!op || op->fuzz.layout != FuzzLayout::explicit_shape) return std::nullopt;
  // The op's schema says what the bytes fill: b when it has one, C when alpha and beta are read.
  const bool mn = op->fuzz.mn_from_bytes, has_b = op->schema.operand('b') != nullptr,
             epilogue = op->schema.alpha_beta;
  Problem& p = in.problem;
  p.m = mn ? 1 + h.u8(1) % kMaxMn : 1;
  p.n = mn ? 1 + h.u8(2) % kMaxMn : 1;
  p.k = h.u16(3) % (kMaxK + 1);
  for (int t = 0; t < 3; ++t) in.modes[t] = static_cast<ValueMode>((h.u8(5) >> (2 * t)) & 3);
  if (epilogue && (h.u8(6) & 0x80)) {
    p.alpha = kAlphas[h.u8(6) & 7];
    p.beta = kBetas[(h.u8(6) >> 3) & 7];
  }

  Stream s(data.size() > kHeaderBytes ? data.subspan(kHeaderBytes) : std::span<const uint8_t>{});
  const Format f = k.recipe.in;
  p.a = Tensor(f, {p.m, p.k});
  for (uint64_t& b : p.a.bits) b = element(f, in.modes[0], s);
  if (has_b) {
    p.b = Tensor(f, {p.k, p.n});
    for (uint64_t& b : p.b.bits) b = element(f, in.modes[1], s);
  }
  // C is read only when beta != 0; with bit 6 of byte 6 a beta = 0 case gives one anyway,
  // which BLAS semantics must leave unread (NaN planted there must not reach the output).
  const bool unread_c = epilogue && p.beta == 0 && (h.u8(6) & 0x40);
  if (p.beta != 0 || unread_c) {
    p.c = Tensor(k.recipe.out, {p.m, p.n});
    for (uint64_t& b : p.c.bits) b = element(k.recipe.out, in.modes[2], s);
  }

  in.plant = static_cast<SpecialKind>(h.u8(7) & 7);
  const size_t slots = p.a.size() + p.b.size() + (unread_c ? p.c.size() : 0);
  if (in.plant != SpecialKind::none && slots > 0) {
    in.plant_index = h.u16(8) % slots;
    const size_t ab = p.a.size() + p.b.size();
    Tensor& t = in.plant_index < p.a.size() ? p.a : in.plant_index < ab ? p.b : p.c;
    const size_t at = in.plant_index < p.a.size() ? in.plant_index
                      : in.plant_index < ab       ? in.plant_index - p.a.size()
                                                  : in.plant_index - ab;
    t.bits[at] = special_bits(t.format, in.plant);
  } else {
    in.plant = SpecialKind::none;
  }
  return in;
}

}  // namespace numguard::fuzz
