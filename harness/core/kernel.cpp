#include "harness/core/kernel.h"

#include <cctype>

namespace numguard {

std::string_view name(Device d) {
  constexpr std::string_view kNames[] = {"cpu", "cuda", "library"};
  return kNames[static_cast<size_t>(d)];
}

bool plain_kernel_name(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string_view("._-+").find(c) == std::string_view::npos)
      return false;
  return true;
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
