#include "harness/core/kernel.h"

namespace numguard {

std::string_view name(Device d) {
  constexpr std::string_view kNames[] = {"cpu", "cuda", "library"};
  return kNames[static_cast<size_t>(d)];
}

namespace {
std::vector<KernelDesc>& declarations() {
  static std::vector<KernelDesc> table;  // constructed on first use: safe from static init order
  return table;
}
}  // namespace

const std::vector<KernelDesc>& declared_kernels() {
  return declarations();
}

void declare_kernel(KernelDesc d) {
  declarations().push_back(std::move(d));
}

}  // namespace numguard
