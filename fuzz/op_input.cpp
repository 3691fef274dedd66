#include "fuzz/op_input.h"

#include "fuzz/value_stream.h"
#include "harness/engine/generators.h"
#include "harness/engine/op.h"
#include "harness/engine/random.h"

namespace numguard::fuzz {
namespace {

uint8_t byte_at(std::span<const uint8_t> d, size_t at) {
  return at < d.size() ? d[at] : 0;
}

}  // namespace

std::optional<OpInput> decode_op_input(std::span<const uint8_t> data,
                                       std::span<const KernelDesc* const> kernels) {
  if (data.empty() || kernels.empty()) return std::nullopt;
  OpInput in;
  in.kernel = kernels[byte_at(data, 0) % kernels.size()];
  const OpInfo* op = find_op(in.kernel->op);
  if (!op) return std::nullopt;
  const auto gens = case_generators();
  in.generator = gens[byte_at(data, 1) % gens.size()].name;
  for (int i = 0; i < 4; ++i) in.seed |= static_cast<uint32_t>(byte_at(data, 2 + i)) << (8 * i);
  in.modes = byte_at(data, 6);
  Rng rng(in.seed);
  in.problem = op->make(*in.kernel, rng, in.generator);
  Problem& p = in.problem;
  Stream s(data.size() > kOpHeaderBytes ? data.subspan(kOpHeaderBytes)
                                        : std::span<const uint8_t>{});
  Tensor* tensors[] = {&p.a, &p.b, &p.c, &p.d};
  for (int t = 0; t < 4; ++t) {
    const int mode = (in.modes >> (2 * t)) & 3;
    if (mode == 0) continue;  // keep the generator's values
    // Modes 1..3: raw, unit, window (small integers come from the generator).
    const ValueMode vm = mode == 1   ? ValueMode::raw
                         : mode == 2 ? ValueMode::unit
                                     : ValueMode::window;
    for (uint64_t& b : tensors[t]->bits) b = element(tensors[t]->format, vm, s);
  }
  const auto plant = static_cast<SpecialKind>(byte_at(data, 7) & 7);
  if (plant != SpecialKind::none && !p.a.empty()) {
    const size_t at = (byte_at(data, 8) | (byte_at(data, 9) << 8)) % p.a.size();
    p.a.bits[at] = special_bits(p.a.format, plant);
  }
  return in;
}

}  // namespace numguard::fuzz
