#include "harness/core/kernel.h"

namespace numguard {

std::string_view name(Device d) {
  constexpr std::string_view kNames[] = {"cpu", "cuda", "library"};
  return kNames[static_cast<size_t>(d)];
}

std::vector<KernelDesc>& kernel_table() {
  static std::vector<KernelDesc> table;  // constructed on first use: safe from static init order
  return table;
}

}  // namespace numguard
