#include "fuzz/fuzz_input.h"

#include <fmt/format.h>

#include <algorithm>

#include "fuzz/op_input.h"
#include "harness/engine/check_runner.h"
#include "harness/engine/op.h"
#include "harness/engine/registry.h"

namespace numguard::fuzz {

bool explicit_layout(const KernelDesc& k) {
  const OpInfo* op = find_op(k.op);
  return op && op->fuzz.layout == FuzzLayout::explicit_shape;
}

Candidates fuzz_candidates(const std::string& pin, const std::string& family) {
  Candidates c;
  if (!pin.empty()) {
    c.kernels = runnable_kernels(select_kernels(pin, true), DeviceChoice::automatic, &c.skipped_why,
                                 &c.skipped);
    return c;
  }
  std::vector<const KernelDesc*> chosen;
  for (const KernelDesc* k : select_kernels("*", false)) {
    const OpInfo* op = find_op(k->op);
    if (family.empty() ? k->device == Device::cpu : op && op->fuzz.family == family)
      chosen.push_back(k);
  }
  c.kernels = family.empty()
                  ? chosen
                  : runnable_kernels(chosen, DeviceChoice::automatic, &c.skipped_why, &c.skipped);
  return c;
}

std::vector<std::string> fuzz_families() {
  std::vector<std::string> f;
  for (const OpInfo* op : op_table())
    if (std::find(f.begin(), f.end(), op->fuzz.family) == f.end()) f.push_back(op->fuzz.family);
  std::sort(f.begin(), f.end());
  return f;
}

std::optional<FuzzCase> decode_fuzz_input(std::span<const uint8_t> data,
                                          std::span<const KernelDesc* const> kernels) {
  if (data.empty() || kernels.empty()) return std::nullopt;
  const KernelDesc* k = kernels[data[0] % kernels.size()];
  const std::span<const KernelDesc* const> one(&k, 1);  // byte 0 then picks k again
  FuzzCase c;
  c.kernel = k;
  if (explicit_layout(*k)) {
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
