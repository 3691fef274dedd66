#include "fuzz/fuzz_input.h"

#include <fmt/format.h>

#include "fuzz/op_input.h"

namespace numguard::fuzz {

bool reduction_family(const KernelDesc& k) {
  return k.op == "dot" || k.op == "sum" || k.op == "sumsq" || k.op == "gemm";
}

Candidates fuzz_candidates(const std::string& pin) {
  return family_candidates(pin, [](const KernelDesc&) { return true; });
}

std::optional<FuzzCase> decode_fuzz_input(std::span<const uint8_t> data,
                                          std::span<const KernelDesc* const> kernels) {
  if (data.empty() || kernels.empty()) return std::nullopt;
  const KernelDesc* k = kernels[data[0] % kernels.size()];
  const std::span<const KernelDesc* const> one(&k, 1);  // byte 0 then picks k again
  FuzzCase c;
  c.kernel = k;
  if (reduction_family(*k)) {
    std::optional<GemmInput> in = decode_gemm_input(data, one);
    if (!in) return std::nullopt;
    c.problem = std::move(in->problem);
    c.how = fmt::format("modes A={} B={} C={}, plant {}", name(in->modes[0]), name(in->modes[1]),
                        name(in->modes[2]), name(in->plant));
    if (in->plant != SpecialKind::none) c.how += fmt::format(" at {}", in->plant_index);
  } else {
    std::optional<OpInput> in = decode_op_input(data, one);
    if (!in) return std::nullopt;
    c.problem = std::move(in->problem);
    c.how = fmt::format("generator {} seed {}, modes 0x{:02x}", in->generator, in->seed, in->modes);
  }
  return c;
}

}  // namespace numguard::fuzz
